-- One row per contact and calendar day (of the reporting time zone, var
-- reporting_time_zone, default UTC) with any event or order: the
-- counts, sums and first/last times that every per-contact fact is computed
-- from. Facts for any as-of date read this table, never raw events.
{%- set convenience_methods = config_code_list('convenience_shipping_methods') %}
{%- set premium_tiers = config_code_list('premium_product_tiers') %}
{%- set day_part_hours = occasion_time_of_day_hours() %}
{%- set reporting_zone = reporting_time_zone() %}
{%- set milestones = {
    'visit': "('visit')",
    'lead': "('content_download', 'form_submit')",
    'cart': "('cart_add')",
    'checkout': "('checkout')",
} %}
with

-- An engagement is one definition (the score, the last engagement and the
-- graymail test all read it): an event whose event_taxonomy weight is above
-- zero, whatever its category, or a completed order when the taxonomy's
-- purchase behavior (the order_completed row) weighs above zero. An event of
-- behavior purchase is counted but not scored: the orders table scores the
-- purchase, so a shop that sends both is not counted twice.
events as (
    select
        *,
        engagement_weight > 0 and behavior <> 'purchase' as is_engagement
    from {{ ref('int_events_stitched') }}
    where contact_id is not null
),

purchase_weight as (
    select coalesce(max(cast(engagement_weight as {{ dbt.type_numeric() }})), 0) as engagement_weight
    from {{ ref('event_taxonomy') }}
    where behavior = 'purchase'
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

occasion_calendar as (
    select * from {{ ref('int_occasion_calendar') }}
),

-- A purchase's weekday, hour and holiday date are read in the buyer's own
-- time zone (contacts.time_zone, validated in staging), else in the
-- reporting time zone (var reporting_time_zone): a Friday 19:00 order in
-- Los Angeles is a Friday-evening order, though it is Saturday in UTC.
-- The day of the rollup (activity_date) stays the reporting-time-zone day
-- of staging (ordered_date), so the as-of cut is one instant for everyone.
contact_zones as (
    select
        contact_id,
        time_zone
    from {{ ref('stg_raw__contacts') }}
    where time_zone is not null
),

event_days as (
    select
        contact_id,
        occurred_date as activity_date,
        count(*) as events_total,
        sum(case when not is_known_event_type then 1 else 0 end) as unknown_events,
        {%- for category in event_categories() if category != 'engagement' %}
            sum(case when event_category = '{{ category }}' then 1 else 0 end) as {{ category }}_events,
        {%- endfor %}
        sum(case when is_engagement then 1 else 0 end) as engagement_events,
        {%- for behavior in event_behaviors() %}
            sum(case when behavior = '{{ behavior }}' then 1 else 0 end) as {{ behavior }}_events,
        {%- endfor %}
        {%- for channel in engagement_channels() %}
            sum(
                case when is_engagement and channel = '{{ channel }}' then 1 else 0 end
            ) as engagement_events_{{ channel }},
        {%- endfor %}
        sum(case when is_engagement then engagement_weight else 0 end) as engagement_points,
        max(journey_stage_rank) as max_journey_stage_rank,
        max(case when is_engagement then occurred_at end) as last_engagement_at,
        {%- for milestone, behaviors in milestones.items() %}
            min(case when behavior in {{ behaviors }} then occurred_at end) as first_{{ milestone }}_at,
            max(case when behavior in {{ behaviors }} then occurred_at end) as last_{{ milestone }}_at,
        {%- endfor %}
        max(case when behavior in ('cart_add', 'checkout') then occurred_at end) as last_cart_or_checkout_at
    from events
    group by contact_id, occurred_date
),

-- Which orders are purchases (completed; a zero-value one only when the var
-- zero_value_orders_are_purchases is true) is decided once, in
-- macros/staging/order_status.sql. A refunded order is a returned purchase:
-- its total counts in gross and refunded revenue, never as a purchase. A
-- cancelled order is counted and nothing else.
orders_local as (
    select
        orders.*,
        {{ local_timestamp('orders.ordered_at', "coalesce(contact_zones.time_zone, '" ~ reporting_zone ~ "')") }}
            as local_ordered_at
    from orders
    left join contact_zones
        on orders.contact_id = contact_zones.contact_id
),

local_order_dates as (
    select distinct cast(local_ordered_at as date) as local_date
    from orders_local
),

local_occasion_dates as (
    select distinct local_order_dates.local_date
    from local_order_dates
    inner join occasion_calendar
        on local_order_dates.local_date between occasion_calendar.start_date and occasion_calendar.end_date
),

orders_flagged as (
    select
        orders.*,
        local_occasion_dates.local_date is not null as is_local_occasion,
        {{ is_weekend('cast(orders.local_ordered_at as date)') }} as is_local_weekend,
        {{ hour_of('orders.local_ordered_at') }} as local_hour,
        {{ is_purchase_order('orders.status', 'orders.order_total') }} as is_completed,
        orders.discount_total > 0 as is_discounted,
        orders.product_tier in {{ sql_string_list(premium_tiers) }} as is_premium,
        orders.shipping_method in {{ sql_string_list(convenience_methods) }} as is_convenience
    from orders_local as orders
    left join local_occasion_dates
        on cast(orders.local_ordered_at as date) = local_occasion_dates.local_date
),

order_days as (
    select
        contact_id,
        ordered_date as activity_date,
        sum(case when is_completed then 1 else 0 end) as completed_orders,
        sum(case when status = 'refunded' then 1 else 0 end) as refunded_orders,
        sum(case when status = 'cancelled' then 1 else 0 end) as cancelled_orders,
        sum(case when is_completed then order_total else 0 end) as completed_revenue,
        sum(case when status in ('completed', 'refunded') then order_total else 0 end) as gross_revenue,
        sum(case when status = 'refunded' then order_total else 0 end) as refunded_revenue,
        sum(case when is_completed and is_discounted then 1 else 0 end) as discounted_orders,
        sum(case when is_completed and is_premium then 1 else 0 end) as premium_orders,
        sum(case when is_completed and is_convenience then 1 else 0 end) as convenience_orders,
        sum(case when is_completed and is_local_occasion then 1 else 0 end) as occasion_orders,
        sum(case when is_completed and is_local_weekend then 1 else 0 end) as weekend_orders,
        -- parts of the day (var occasion_time_of_day_hours): morning, daytime, evening, night
        sum(
            case
                when is_completed and local_hour >= {{ day_part_hours[0] }} and local_hour < {{ day_part_hours[1] }} then 1
                else 0
            end
        ) as morning_orders,
        sum(
            case
                when is_completed and local_hour >= {{ day_part_hours[1] }} and local_hour < {{ day_part_hours[2] }} then 1
                else 0
            end
        ) as daytime_orders,
        sum(
            case
                when is_completed and local_hour >= {{ day_part_hours[2] }} and local_hour < {{ day_part_hours[3] }} then 1
                else 0
            end
        ) as evening_orders,
        sum(
            case
                when is_completed and (local_hour >= {{ day_part_hours[3] }} or local_hour < {{ day_part_hours[0] }}) then 1
                else 0
            end
        ) as night_orders,
        min(case when is_completed then ordered_at end) as first_order_at,
        max(case when is_completed then ordered_at end) as last_order_at
    from orders_flagged
    group by contact_id, ordered_date
),

contact_days as (
    select
        contact_id,
        activity_date
    from event_days
    union
    select
        contact_id,
        activity_date
    from order_days
),

final as (
    select
        contact_days.contact_id,
        contact_days.activity_date,
        -- a purchase day is an occasion / weekend day when one of its completed
        -- orders was placed on a holiday-calendar / Saturday-or-Sunday date in
        -- the buyer's local time (false on a day without a completed order)
        coalesce(order_days.occasion_orders, 0) > 0 as is_occasion_day,
        coalesce(order_days.weekend_orders, 0) > 0 as is_weekend_day,
        coalesce(event_days.events_total, 0) as events_total,
        coalesce(event_days.unknown_events, 0) as unknown_events,
        {%- for category in event_categories() if category != 'engagement' %}
            coalesce(event_days.{{ category }}_events, 0) as {{ category }}_events,
        {%- endfor %}
        -- engagements: weighted events plus scored completed orders (see events above)
        coalesce(event_days.engagement_events, 0)
        + case when purchase_weight.engagement_weight > 0 then coalesce(order_days.completed_orders, 0) else 0 end
            as engagement_events,
        {%- for behavior in event_behaviors() %}
            coalesce(event_days.{{ behavior }}_events, 0) as {{ behavior }}_events,
        {%- endfor %}
        {%- for channel in engagement_channels() %}
            coalesce(event_days.engagement_events_{{ channel }}, 0) as engagement_events_{{ channel }},
        {%- endfor %}
        -- a double on every engine (PostgreSQL would otherwise keep the
        -- seed's numeric scale: 10.000000)
        cast(
            coalesce(event_days.engagement_points, 0)
            + coalesce(order_days.completed_orders, 0) * purchase_weight.engagement_weight
            as {{ type_double() }}
        ) as engagement_points,
        event_days.max_journey_stage_rank,
        case
            when purchase_weight.engagement_weight <= 0 or order_days.last_order_at is null
                then event_days.last_engagement_at
            when event_days.last_engagement_at is null or order_days.last_order_at > event_days.last_engagement_at
                then order_days.last_order_at
            else event_days.last_engagement_at
        end as last_engagement_at,
        {%- for milestone in milestones %}
            event_days.first_{{ milestone }}_at,
            event_days.last_{{ milestone }}_at,
        {%- endfor %}
        event_days.last_cart_or_checkout_at,
        coalesce(order_days.completed_orders, 0) as completed_orders,
        coalesce(order_days.refunded_orders, 0) as refunded_orders,
        coalesce(order_days.cancelled_orders, 0) as cancelled_orders,
        coalesce(order_days.completed_revenue, 0) as completed_revenue,
        coalesce(order_days.gross_revenue, 0) as gross_revenue,
        coalesce(order_days.refunded_revenue, 0) as refunded_revenue,
        coalesce(order_days.discounted_orders, 0) as discounted_orders,
        coalesce(order_days.premium_orders, 0) as premium_orders,
        coalesce(order_days.convenience_orders, 0) as convenience_orders,
        coalesce(order_days.morning_orders, 0) as morning_orders,
        coalesce(order_days.daytime_orders, 0) as daytime_orders,
        coalesce(order_days.evening_orders, 0) as evening_orders,
        coalesce(order_days.night_orders, 0) as night_orders,
        order_days.first_order_at,
        order_days.last_order_at
    from contact_days
    cross join purchase_weight
    left join event_days
        on contact_days.contact_id = event_days.contact_id
            and contact_days.activity_date = event_days.activity_date
    left join order_days
        on contact_days.contact_id = order_days.contact_id
            and contact_days.activity_date = order_days.activity_date
)

select * from final
