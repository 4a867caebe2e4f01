{#-
    Activity lifecycle (product-analytics growth accounting): where the
    contact stands in the current period compared with the earlier ones.

    The facts split active days (any action but deliverability events, or a
    completed order) into three periods of lifecycle_period_days ending on
    the as-of date: current (days_ago 0 .. P-1), previous (P .. 2P-1) and
    before-previous (2P and earlier). A period is active when it holds at
    least one active day.

    Rule table (first match wins; the six labels partition all contacts):
      current       active in the current and the previous period;
      resurrected   active in the current period, not the previous one, but
                    active before that;
      new           active in the current period and never before, i.e. the
                    first_activity_date falls in the current period;
      dormant       active in the previous period, not in the current one;
      inactive      active before the previous period, in neither of the
                    last two;
      never_active  no active day at all.

    The purchase rhythm (macros/segmentation/_purchase_rhythm.sql) is not
    applied here, on purpose: growth accounting compares equal periods for
    every contact, so that new + current + resurrected = the contacts active
    this period and dormant = those who dropped out of it; a per-contact
    window would break those sums and the period-over-period charts built on
    them. A buyer on a 150-day rhythm who does nothing between purchases is
    therefore `inactive` here and a `regular_user` in user status: the two
    answer different questions (activity this month vs. buying on rhythm).
    What must never happen is declared in
    seeds/segments/forbidden_label_combinations.csv (e.g. journey `lapsed`
    with `current`).

    Args (keyword arguments of segment_activity_lifecycle):
      period_days  var lifecycle_period_days: applied by the facts, named in
                   the reasons
-#}
{% macro activity_lifecycle_parameters() %}
    {{ return({'period_days': 'lifecycle_period_days'}) }}
{% endmacro %}


{% macro activity_lifecycle_rules(p) %}
    {%- set now = 'coalesce(active_days_current_period, 0) > 0' -%}
    {%- set previous = 'coalesce(active_days_previous_period, 0) > 0' -%}
    {%- set before = 'coalesce(active_days_before_previous_period, 0) > 0' -%}
    {%- set days = p.period_days ~ ' days' -%}
    {%- set this_period = ['active on ', reason_int('active_days_current_period'), ' of the last ' ~ days] -%}
    {%- set last_active = ['last active ', reason_int('days_since_last_activity'), ' days ago'] -%}
    {{ return([
        {'label': 'current', 'when': now ~ ' and ' ~ previous, 'code': 'active_this_and_previous_period',
            'rule': 'active in the last ' ~ days ~ ' and in the ' ~ days ~ ' before',
            'reason': this_period + [' and ', reason_int('active_days_previous_period'), ' of the ' ~ p.period_days ~ ' before']},
        {'label': 'resurrected', 'when': now ~ ' and ' ~ before, 'code': 'back_after_a_quiet_period',
            'rule': 'active in the last ' ~ days ~ ', not in the ' ~ days ~ ' before, but active earlier',
            'reason': this_period + [', none of the ' ~ p.period_days ~ ' before; first active ',
                reason_int(days_between('first_activity_date', 'as_of_date')), ' days ago']},
        {'label': 'new', 'when': now, 'code': 'first_active_this_period',
            'rule': 'first active in the last ' ~ days,
            'reason': ['first active ', reason_int(days_between('first_activity_date', 'as_of_date')), ' days ago; ']
                + this_period},
        {'label': 'dormant', 'when': previous, 'code': 'active_previous_period_only',
            'rule': 'active ' ~ p.period_days ~ ' to ' ~ (2 * p.period_days - 1) ~ ' days ago, not since',
            'reason': last_active + ['; none in the last ' ~ days]},
        {'label': 'inactive', 'when': before, 'code': 'active_only_before_previous_period',
            'rule': 'active only ' ~ (2 * p.period_days) ~ ' or more days ago',
            'reason': last_active + ['; none in the last ' ~ (2 * p.period_days) ~ ' days']},
        {'label': 'never_active', 'when': 'true', 'code': 'no_activity',
            'rule': 'no active day',
            'reason': ['no activity yet']},
    ]) }}
{% endmacro %}


{% macro segment_activity_lifecycle() %}
    {%- set p = rule_parameters('activity_lifecycle', kwargs) -%}
    {{ rule_table(activity_lifecycle_rules(p)) }}
{%- endmacro %}
