{#-
    Customer journey stage: where the contact is now, from recent activity,
    with the furthest stage ever reached kept beside it.

    Rule table (first match wins; journey_stage_rules below):
      unknown        no activity at all (last_activity_date is null);
      lapsed         a prospect with no activity in the last lapse_days days;
      lapsed         a buyer with no activity in the last lapse_days days who
                     is also overdue against their own purchase rhythm
                     (days_since_last_purchase > purchase_overdue_after_days,
                     the shared rhythm of macros/segmentation/_purchase_rhythm.sql;
                     the same test as loyalty at_risk and user status ex_user):
                     a buyer on a steady 150-day rhythm, last seen 100 days
                     ago, is not lapsed;
      advocate       purchase_days >= advocate_min_purchase_days and at least
                     one review or referral;
      customer       at least one purchase day;
      <event stage>  the furthest event stage reached in the facts' long
                     window (recent_days = fact_window_long_days; fact
                     recent_event_journey_stage_rank, named from
                     seeds/reference/journey_stages: awareness = page views,
                     email clicks and social; consideration = product views,
                     downloads and form submits; decision = cart, checkout,
                     demo request): a prospect who reached decision 200 days
                     ago and only browsed lately is in awareness now;
      awareness      active within the lapse window, but no staged event in
                     the long window (for example only email opens).

    Besides segment, segment_reason and reason_code it yields
    furthest_journey_stage, the furthest stage ever reached (advocate,
    customer, the furthest event stage, awareness; unknown without activity),
    which a lapsed contact keeps.

    journey_lapse_days must be at least lifecycle_period_days, so a contact
    active in the current lifecycle period is never lapsed (checked at
    compile time; seeds/segments/forbidden_label_combinations.csv).

    Args (keyword arguments of segment_journey_stage; each defaults to its
    var, default and comment in dbt_project.yml, bounds in _rule_parameters.sql):
      lapse_days                  var journey_lapse_days
      advocate_min_purchase_days  var journey_advocate_min_purchase_days
      recent_days                 var fact_window_long_days (applied by the facts)
      period_days                 var lifecycle_period_days (the lower bound of lapse_days)
      default_gap_days, overdue_multiplier, overdue_min_days  the rhythm (named in the rules)

    Input columns: last_activity_date, days_since_last_activity,
    purchase_days, days_since_last_purchase, purchase_overdue_after_days,
    expected_purchase_gap_days, review_count, referral_count,
    recent_event_journey_stage and max_event_journey_stage (names of the
    ranks, joined by seg_journey_stage).
-#}
{% macro journey_stage_parameters() %}
    {%- set names = rhythm_parameters() -%}
    {%- do names.update({
        'lapse_days': 'journey_lapse_days',
        'advocate_min_purchase_days': 'journey_advocate_min_purchase_days',
        'recent_days': 'fact_window_long_days',
        'period_days': 'lifecycle_period_days',
    }) -%}
    {{ return(names) }}
{% endmacro %}


{#- SQL shared by the rules and the furthest stage. -#}
{% macro journey_stage_derived(p) %}
    {%- set is_advocate -%}
        purchase_days >= {{ p.advocate_min_purchase_days }}
        and (coalesce(review_count, 0) > 0 or coalesce(referral_count, 0) > 0)
    {%- endset -%}
    {%- set furthest -%}
        case
            when last_activity_date is null then 'unknown'
            when {{ is_advocate }} then 'advocate'
            when purchase_days >= 1 then 'customer'
            else coalesce(max_event_journey_stage, 'awareness')
        end
    {%- endset -%}
    {{ return({'is_advocate': is_advocate, 'furthest': furthest}) }}
{% endmacro %}


{% macro journey_stage_rules(p) %}
    {%- if p.lapse_days < p.period_days -%}
        {{ config_error('journey_lapse_days', p.lapse_days,
            "a number of days >= lifecycle_period_days (" ~ p.period_days ~ "), so a contact active in the "
            ~ "current lifecycle period is never lapsed") }}
    {%- endif -%}
    {%- set d = journey_stage_derived(p) -%}
    {%- set inactive = 'days_since_last_activity > ' ~ p.lapse_days -%}
    {%- set last_activity = ['last activity ', reason_int('days_since_last_activity'), ' days ago'] -%}
    {%- set furthest = ['; furthest stage ', reason_text(d.furthest)] -%}
    {%- set recent = ' in the last ' ~ p.recent_days ~ ' days' -%}
    {{ return([
        {'label': 'unknown', 'when': 'last_activity_date is null', 'code': 'no_activity',
            'rule': 'no activity at all',
            'reason': ['no activity yet']},
        {'label': 'lapsed', 'when': 'coalesce(purchase_days, 0) = 0 and ' ~ inactive, 'code': 'prospect_inactive',
            'rule': 'no purchase and no activity in the last ' ~ p.lapse_days ~ ' days',
            'reason': last_activity + furthest},
        {'label': 'lapsed', 'when': inactive ~ ' and ' ~ rhythm_is_overdue(), 'code': 'buyer_inactive_and_overdue',
            'rule': 'no activity in the last ' ~ p.lapse_days ~ ' days and overdue: ' ~ rhythm_overdue_words(p),
            'reason': last_activity + ['; last purchase ', reason_int('days_since_last_purchase'), ' days ago; ']
                + rhythm_reason() + furthest},
        {'label': 'advocate', 'when': d.is_advocate, 'code': 'repeat_buyer_reviewed_or_referred',
            'rule': 'at least ' ~ p.advocate_min_purchase_days ~ ' purchase days and a review or referral',
            'reason': [reason_int('purchase_days'), ' purchase days; ',
                reason_count('coalesce(review_count, 0) + coalesce(referral_count, 0)', 'review or referral',
                    'reviews or referrals')]},
        {'label': 'customer', 'when': 'purchase_days >= 1', 'code': 'purchased',
            'rule': 'at least one purchase day',
            'reason': [reason_count('purchase_days', 'purchase day', 'purchase days'), ', the last ',
                reason_int('days_since_last_purchase'), ' days ago']},
        {'label_sql': 'recent_event_journey_stage', 'label_doc': 'awareness / consideration / decision',
            'when': 'recent_event_journey_stage is not null', 'code': 'recent_event_stage',
            'rule': 'the furthest event stage' ~ recent ~ ' (seeds/reference/journey_stages)',
            'reason': ['furthest step' ~ recent ~ ': ', reason_text('recent_event_journey_stage')] + furthest},
        {'label': 'awareness', 'when': 'true', 'code': 'active_without_recent_staged_event',
            'rule': 'active, but no staged event' ~ recent,
            'reason': last_activity + ['; no staged event' ~ recent] + furthest},
    ]) }}
{% endmacro %}


{% macro segment_journey_stage() %}
    {%- set p = rule_parameters('journey_stage', kwargs) -%}
    {%- set d = journey_stage_derived(p) -%}
    {{ d.furthest }} as furthest_journey_stage,
    {{ rule_table(journey_stage_rules(p)) }}
{%- endmacro %}
