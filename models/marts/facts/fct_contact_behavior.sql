-- One row per contact as of the as-of date: what the contact did, computed
-- from the per-contact daily rollup. Nothing dated after the as-of date is
-- read. Windows are trailing and include the as-of date: a window of N days
-- covers the days with days_ago 0 .. N-1.
{%- set windows = {
    'short': config_int('fact_window_short_days', 7, 1),
    'medium': config_int('fact_window_medium_days', 30, 1),
    'long': config_int('fact_window_long_days', 90, 1),
} %}
{%- set half_life = config_number('engagement_half_life_days', 30, 1) %}
{%- set cart_window_hours = config_int('cart_abandonment_window_hours', 24, 1) %}
{%- set lookback = config_int('pre_purchase_lookback_days', 7, 1) %}
{%- set period = config_int('lifecycle_period_days', 30, 1) %}
{%- set rhythm = rhythm_fact_columns(
    'purchase_days.first_purchase_date', 'purchase_days.last_purchase_date', 'purchase_days.purchase_days') %}
with

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

contacts as (
    select contacts.*
    from {{ ref('int_contacts') }} as contacts
    cross join as_of
    where
        contacts.first_seen_at is null
        or cast(contacts.first_seen_at as date) <= as_of.as_of_date
),

daily as (
    select
        daily.*,
        {{ days_between('daily.activity_date', 'as_of.as_of_date') }} as days_ago,
        daily.events_total - daily.deliverability_events > 0 or daily.completed_orders > 0 as is_active_day
    from {{ ref('int_contact_daily_activity') }} as daily
    cross join as_of
    where daily.activity_date <= as_of.as_of_date
),

daily_in_context as (
    select
        *,
        min(case when completed_orders > 0 then activity_date end)
            over (partition by contact_id) as contact_first_purchase_date,
        max(case when engagement_events > 0 then activity_date end)
            over (partition by contact_id) as last_engagement_date,
        min(first_order_at) over (
            partition by contact_id
            order by activity_date
            rows between 1 following and unbounded following
        ) as next_day_order_at
    from daily
),

daily_flags as (
    select
        *,
        {{ days_between("activity_date", "contact_first_purchase_date") }} as days_before_first_purchase,
        last_cart_or_checkout_at is not null
        and not coalesce(last_order_at >= last_cart_or_checkout_at, false)
        and not coalesce(
            next_day_order_at <= {{ dbt.dateadd('hour', cart_window_hours, 'last_cart_or_checkout_at') }},
            false
        ) as is_abandoned_cart_day
    from daily_in_context
),

purchase_days as (
    select
        contact_id,
        count(*) as purchase_days,
        sum(completed_orders) as order_count,
        sum(completed_revenue) as net_revenue,
        min(activity_date) as first_purchase_date,
        max(activity_date) as last_purchase_date,
        min(first_order_at) as first_purchase_at,
        max(last_order_at) as last_purchase_at,
        sum(case when activity_date = contact_first_purchase_date then completed_revenue else 0 end)
            as first_purchase_day_value,
        sum(discounted_orders) as discounted_orders,
        sum(premium_orders) as premium_orders,
        sum(convenience_orders) as convenience_orders,
        sum(case when is_occasion_day then 1 else 0 end) as occasion_purchase_days,
        sum(case when is_weekend_day then 1 else 0 end) as weekend_purchase_days,
        sum(morning_orders) as morning_orders,
        sum(daytime_orders) as daytime_orders,
        sum(evening_orders) as evening_orders,
        sum(night_orders) as night_orders
    from daily_flags
    where completed_orders > 0
    group by contact_id
),

activity as (
    select
        contact_id,
        sum(gross_revenue) as gross_revenue,
        sum(refunded_orders) as refunded_order_count,
        sum(refunded_revenue) as refunded_revenue,
        sum(cancelled_orders) as cancelled_order_count,
        min(case when is_active_day then activity_date end) as first_activity_date,
        max(case when is_active_day then activity_date end) as last_activity_date,
        sum(case when is_active_day and days_ago < {{ period }} then 1 else 0 end)
            as active_days_current_period,
        sum(case when is_active_day and days_ago >= {{ period }} and days_ago < {{ 2 * period }} then 1 else 0 end)
            as active_days_previous_period,
        sum(case when is_active_day and days_ago >= {{ 2 * period }} then 1 else 0 end)
            as active_days_before_previous_period,
        {%- for window_name, days in windows.items() %}
            sum(case when days_ago < {{ days }} then usage_events else 0 end) as usage_events_{{ window_name }},
            sum(case when days_ago < {{ days }} and usage_events > 0 then 1 else 0 end)
                as usage_active_days_{{ window_name }},
            sum(case when days_ago < {{ days }} then engagement_events else 0 end)
                as engagement_events_{{ window_name }},
            {%- for channel in engagement_channels() %}
                sum(case when days_ago < {{ days }} then engagement_events_{{ channel }} else 0 end)
                    as {{ channel }}_engagement_events_{{ window_name }},
            {%- endfor %}
            sum(case when days_ago < {{ days }} then email_send_events else 0 end) as email_sends_{{ window_name }},
        {%- endfor %}
        -- Each decayed term is summed as an exact decimal, so the total does not
        -- depend on the order a parallel engine adds floating-point numbers in.
        sum(
            cast(
                engagement_points * power(0.5, cast(days_ago as {{ type_double() }}) / {{ half_life }})
                as decimal(38, 12)
            )
        ) as engagement_score,
        max(last_engagement_at) as last_engagement_at,
        sum(
            case
                when last_engagement_date is null or activity_date > last_engagement_date
                    then email_send_events
                else 0
            end
        ) as email_sends_since_last_engagement,
        sum(email_open_events) as email_opens,
        sum(email_click_events) as email_clicks,
        sum(unsubscribe_events) > 0 as has_unsubscribed,
        sum(email_bounce_events) > 0 as has_bounced,
        sum(spam_complaint_events) > 0 as has_reported_spam,
        min(first_visit_at) as first_visit_at,
        max(last_visit_at) as last_visit_at,
        min(first_lead_at) as first_lead_at,
        max(last_lead_at) as last_lead_at,
        min(first_cart_at) as first_cart_at,
        max(last_cart_at) as last_cart_at,
        min(first_checkout_at) as first_checkout_at,
        max(last_checkout_at) as last_checkout_at,
        max(max_journey_stage_rank) as max_event_journey_stage_rank,
        max(
            case when days_ago < {{ windows['long'] }} then max_journey_stage_rank end
        ) as recent_event_journey_stage_rank,
        max(case when usage_events > 0 then activity_date end) as last_usage_date,
        sum(case when last_cart_or_checkout_at is not null then 1 else 0 end) as cart_days,
        sum(case when is_abandoned_cart_day then 1 else 0 end) as abandoned_cart_days,
        max(case when is_abandoned_cart_day then last_cart_or_checkout_at end) as last_abandoned_cart_at,
        max(last_cart_or_checkout_at) as last_cart_or_checkout_at,
        sum(product_view_events + content_download_events) as research_events,
        sum(
            case when days_before_first_purchase > 0 then product_view_events + content_download_events else 0 end
        ) as research_events_before_first_purchase,
        sum(
            case
                when days_before_first_purchase between 1 and {{ lookback }}
                    then visit_events + product_view_events
                else 0
            end
        ) as visits_before_first_purchase,
        sum(content_download_events) as content_downloads,
        sum(form_submit_events) as form_submits,
        sum(review_events) as review_count,
        sum(referral_events) as referral_count,
        sum(unknown_events) as unknown_events
    from daily_flags
    group by contact_id
),

-- The holiday calendar's own share of days, over the calendar years from the
-- first purchase day of any contact to the as-of date: what share of purchase
-- days a buyer with no holiday habit would have in holiday windows (a day in
-- two windows counts twice; the default windows never overlap).
calendar_span as (
    select
        cast({{ dbt.date_trunc('year', 'min(purchase_days.first_purchase_date)') }} as date) as span_start,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'max(as_of.as_of_date)'))) }}
            as date
        ) as span_end
    from purchase_days
    cross join as_of
),

calendar_share as (
    select
        {{ safe_divide(
            'sum(' ~ days_between('occasion_calendar.start_date', 'occasion_calendar.end_date') ~ ' + 1)',
            'max(' ~ days_between('calendar_span.span_start', 'calendar_span.span_end') ~ ' + 1)') }}
            as calendar_occasion_day_share
    from calendar_span
    inner join {{ ref('int_occasion_calendar') }} as occasion_calendar
        on
            calendar_span.span_start <= occasion_calendar.start_date
            and calendar_span.span_end >= occasion_calendar.start_date
),

final as (
    select
        contacts.contact_id,
        as_of.as_of_date,
        contacts.is_in_crm,
        contacts.email_sha256,
        contacts.created_at as contact_created_at,
        contacts.email_opt_in,
        coalesce(activity.has_unsubscribed, false) as has_unsubscribed,
        coalesce(activity.has_bounced, false) as has_bounced,
        coalesce(activity.has_reported_spam, false) as has_reported_spam,
        coalesce(contacts.has_valid_email, false) as has_valid_email,
        -- Reachability, the one definition (engagement_level's unreachable, the
        -- activation lists' gate contactability and segment_summary's reachable
        -- share read these two columns): a CRM contact with an email that passes
        -- the syntax test (macros/facts/email_address.sql), opted in, and never
        -- unsubscribed, bounced or reported spam; and an address that no other
        -- record sharing it suppresses and that is not on the global suppression
        -- list (int_address_suppressions, read through int_contacts: the address
        -- is the unit of suppression). The first reason that fails, the
        -- contact's own first:
        case
            when not contacts.is_in_crm or contacts.email_sha256 is null then 'no_email'
            when not coalesce(contacts.has_valid_email, false) then 'invalid_email'
            when coalesce(activity.has_unsubscribed, false) then 'unsubscribed'
            when coalesce(activity.has_bounced, false) then 'bounced'
            when coalesce(activity.has_reported_spam, false) then 'spam_complaint'
            when contacts.email_opt_in is null then 'opt_in_unknown'
            when not contacts.email_opt_in then 'no_opt_in'
            when coalesce(contacts.is_address_suppressed, false) then 'address_suppressed'
            when coalesce(contacts.is_on_suppression_list, false) then 'suppression_list'
        end as unreachable_reason,
        contacts.is_in_crm
        and contacts.email_sha256 is not null
        and coalesce(contacts.has_valid_email, false)
        and coalesce(contacts.email_opt_in, false)
        and not coalesce(activity.has_unsubscribed, false)
        and not coalesce(activity.has_bounced, false)
        and not coalesce(activity.has_reported_spam, false)
        and not coalesce(contacts.is_address_suppressed, false)
        and not coalesce(contacts.is_on_suppression_list, false) as is_reachable,
        -- days since the contact was first seen (CRM creation, or an earlier
        -- event or order): the engagement grace period reads it
        cast({{ days_between('cast(contacts.first_seen_at as date)', 'as_of.as_of_date') }} as {{ dbt.type_bigint() }})
            as contact_age_days,

        -- activity and lifecycle
        activity.first_activity_date,
        activity.last_activity_date,
        cast({{ days_between('activity.last_activity_date', 'as_of.as_of_date') }} as {{ dbt.type_bigint() }}) as days_since_last_activity,
        cast(coalesce(activity.active_days_current_period, 0) as {{ dbt.type_bigint() }}) as active_days_current_period,
        cast(coalesce(activity.active_days_previous_period, 0) as {{ dbt.type_bigint() }}) as active_days_previous_period,
        cast(coalesce(activity.active_days_before_previous_period, 0) as {{ dbt.type_bigint() }}) as active_days_before_previous_period,

        -- purchase summary (BTYD conventions: completed orders, one occasion per day;
        -- refunded and cancelled orders are not purchases: macros/staging/order_status.sql)
        cast(coalesce(purchase_days.order_count, 0) as {{ dbt.type_bigint() }}) as order_count,
        cast(coalesce(purchase_days.purchase_days, 0) as {{ dbt.type_bigint() }}) as purchase_days,
        cast(coalesce(purchase_days.purchase_days - 1, 0) as {{ dbt.type_bigint() }}) as repeat_purchase_days,
        purchase_days.first_purchase_date,
        purchase_days.last_purchase_date,
        purchase_days.first_purchase_at,
        purchase_days.last_purchase_at,
        cast({{ days_between('purchase_days.first_purchase_date', 'purchase_days.last_purchase_date') }} as {{ dbt.type_bigint() }})
            as days_first_to_last_purchase,
        cast({{ days_between('purchase_days.first_purchase_date', 'as_of.as_of_date') }} as {{ dbt.type_bigint() }}) as days_since_first_purchase,
        cast({{ days_between('purchase_days.last_purchase_date', 'as_of.as_of_date') }} as {{ dbt.type_bigint() }}) as days_since_last_purchase,
        -- the purchase rhythm every type reads (macros/segmentation/_purchase_rhythm.sql)
        {{ rhythm['expected_purchase_gap_days'] }} as expected_purchase_gap_days,
        {{ rhythm['purchase_overdue_after_days'] }} as purchase_overdue_after_days,
        -- net revenue = gross revenue (completed orders, those later refunded included)
        -- minus refunds = the totals of the orders still completed (tested)
        cast(coalesce(purchase_days.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(coalesce(activity.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(activity.refunded_revenue, 0) as decimal(18, 2)) as refunded_revenue,
        cast(coalesce(activity.refunded_order_count, 0) as {{ dbt.type_bigint() }}) as refunded_order_count,
        cast(coalesce(activity.cancelled_order_count, 0) as {{ dbt.type_bigint() }}) as cancelled_order_count,
        coalesce(
            {{ safe_divide('purchase_days.net_revenue - purchase_days.first_purchase_day_value',
                           'purchase_days.purchase_days - 1') }},
            0
        ) as avg_repeat_purchase_value,
        {{ safe_divide('purchase_days.net_revenue', 'purchase_days.order_count') }} as avg_order_value,
        {{ safe_divide('purchase_days.discounted_orders', 'purchase_days.order_count') }} as discounted_order_share,
        {{ safe_divide('purchase_days.premium_orders', 'purchase_days.order_count') }} as premium_order_share,
        {{ safe_divide('purchase_days.convenience_orders', 'purchase_days.order_count') }}
            as convenience_order_share,
        {{ safe_divide('purchase_days.occasion_purchase_days', 'purchase_days.purchase_days') }}
            as occasion_purchase_day_share,
        {{ safe_divide('purchase_days.weekend_purchase_days', 'purchase_days.purchase_days') }}
            as weekend_purchase_day_share,
        -- occasion evidence: purchase days in holiday windows / on weekends (the
        -- buyer's local dates), the calendar's share of days, and completed
        -- orders per part of the day (the buyer's local hour)
        cast(coalesce(purchase_days.occasion_purchase_days, 0) as {{ dbt.type_bigint() }}) as occasion_purchase_days,
        cast(coalesce(purchase_days.weekend_purchase_days, 0) as {{ dbt.type_bigint() }}) as weekend_purchase_days,
        cast(calendar_share.calendar_occasion_day_share as {{ type_double() }}) as calendar_occasion_day_share,
        {%- for part in ['morning', 'daytime', 'evening', 'night'] %}
            cast(coalesce(purchase_days.{{ part }}_orders, 0) as {{ dbt.type_bigint() }}) as {{ part }}_orders,
            {{ safe_divide('purchase_days.' ~ part ~ '_orders', 'purchase_days.order_count') }} as {{ part }}_order_share,
        {%- endfor %}

        -- usage, engagement and reachability
        {%- for window_name in windows %}
            cast(coalesce(activity.usage_events_{{ window_name }}, 0) as {{ dbt.type_bigint() }}) as usage_events_{{ window_name }},
            cast(coalesce(activity.usage_active_days_{{ window_name }}, 0) as {{ dbt.type_bigint() }}) as usage_active_days_{{ window_name }},
            cast(coalesce(activity.engagement_events_{{ window_name }}, 0) as {{ dbt.type_bigint() }}) as engagement_events_{{ window_name }},
            {%- for channel in engagement_channels() %}
                cast(coalesce(activity.{{ channel }}_engagement_events_{{ window_name }}, 0) as {{ dbt.type_bigint() }})
                    as {{ channel }}_engagement_events_{{ window_name }},
            {%- endfor %}
            cast(coalesce(activity.email_sends_{{ window_name }}, 0) as {{ dbt.type_bigint() }}) as email_sends_{{ window_name }},
        {%- endfor %}
        activity.last_usage_date,
        cast({{ days_between('activity.last_usage_date', 'as_of.as_of_date') }} as {{ dbt.type_bigint() }})
            as days_since_last_usage,
        cast(coalesce(activity.engagement_score, 0) as {{ type_double() }}) as engagement_score,
        activity.last_engagement_at,
        cast({{ days_between('cast(activity.last_engagement_at as date)', 'as_of.as_of_date') }} as {{ dbt.type_bigint() }})
            as days_since_last_engagement,
        cast(coalesce(activity.email_sends_since_last_engagement, 0) as {{ dbt.type_bigint() }}) as email_sends_since_last_engagement,
        cast(coalesce(activity.email_opens, 0) as {{ dbt.type_bigint() }}) as email_opens,
        cast(coalesce(activity.email_clicks, 0) as {{ dbt.type_bigint() }}) as email_clicks,

        -- journey milestones
        activity.first_visit_at,
        activity.last_visit_at,
        activity.first_lead_at,
        activity.last_lead_at,
        activity.first_cart_at,
        activity.last_cart_at,
        activity.first_checkout_at,
        activity.last_checkout_at,
        cast(activity.max_event_journey_stage_rank as {{ dbt.type_int() }}) as max_event_journey_stage_rank,
        cast(activity.recent_event_journey_stage_rank as {{ dbt.type_int() }}) as recent_event_journey_stage_rank,
        cast(coalesce(activity.cart_days, 0) as {{ dbt.type_bigint() }}) as cart_days,
        cast(coalesce(activity.abandoned_cart_days, 0) as {{ dbt.type_bigint() }}) as abandoned_cart_days,
        activity.last_abandoned_cart_at,
        -- The cart that is abandoned now, the one definition the cart_abandoner
        -- rule (macros/segmentation/purchase_behavior.sql) and through it the
        -- cart list read: the latest cart or checkout, when no completed order
        -- came at or after it and it is at least cart_abandonment_window_hours
        -- before the as-of cut (the end of the as-of date in the reporting time
        -- zone). A cart inside that waiting window resets the clock: the
        -- contact may still be shopping, so an earlier cart is not reported.
        case
            when
                activity.last_cart_or_checkout_at is not null
                and not coalesce(purchase_days.last_purchase_at >= activity.last_cart_or_checkout_at, false)
                and {{ dbt.dateadd('hour', cart_window_hours,
                    local_timestamp('activity.last_cart_or_checkout_at', "'" ~ reporting_time_zone() ~ "'")) }}
                <= cast({{ dbt.dateadd('day', 1, 'as_of.as_of_date') }} as {{ dbt.type_timestamp() }})
                then activity.last_cart_or_checkout_at
        end as open_abandoned_cart_at,

        -- research and advocacy
        cast(coalesce(activity.research_events, 0) as {{ dbt.type_bigint() }}) as research_events,
        cast(
            case
                when purchase_days.first_purchase_date is not null
                    then coalesce(activity.research_events_before_first_purchase, 0)
            end as {{ dbt.type_bigint() }}
        ) as research_events_before_first_purchase,
        cast(
            case
                when purchase_days.first_purchase_date is not null
                    then coalesce(activity.visits_before_first_purchase, 0)
            end as {{ dbt.type_bigint() }}
        ) as visits_before_first_purchase,
        cast(coalesce(activity.content_downloads, 0) as {{ dbt.type_bigint() }}) as content_downloads,
        cast(coalesce(activity.form_submits, 0) as {{ dbt.type_bigint() }}) as form_submits,
        cast(coalesce(activity.review_count, 0) as {{ dbt.type_bigint() }}) as review_count,
        cast(coalesce(activity.referral_count, 0) as {{ dbt.type_bigint() }}) as referral_count,
        cast(coalesce(activity.unknown_events, 0) as {{ dbt.type_bigint() }}) as unknown_events
    from contacts
    cross join as_of
    cross join calendar_share
    left join activity
        on contacts.contact_id = activity.contact_id
    left join purchase_days
        on contacts.contact_id = purchase_days.contact_id
)

select * from final
