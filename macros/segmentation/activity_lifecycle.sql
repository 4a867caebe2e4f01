{#-
    Activity lifecycle (product-analytics growth accounting): where the
    contact stands in the current period compared with the earlier ones.

    The facts split active days (any action but deliverability events, or a
    completed order) into three periods of var lifecycle_period_days (default
    30) ending on the as-of date: current (days_ago 0 .. P-1), previous
    (P .. 2P-1) and before-previous (2P and earlier). A period is active when
    it holds at least one active day.

    Rule (first match wins; the six labels partition all contacts):
      current       active in the current and the previous period;
      resurrected   active in the current period, not the previous one, but
                    active before that;
      new           active in the current period and never before, i.e. the
                    first_activity_date falls in the current period;
      dormant       active in the previous period, not in the current one;
      inactive      active before the previous period, in neither of the
                    last two;
      never_active  no active day at all.

    No args: the period length belongs to the facts (lifecycle_period_days).
-#}
{% macro segment_activity_lifecycle() %}
    {%- set now = 'coalesce(active_days_current_period, 0) > 0' -%}
    {%- set previous = 'coalesce(active_days_previous_period, 0) > 0' -%}
    {%- set before = 'coalesce(active_days_before_previous_period, 0) > 0' -%}
    case
        when {{ now }} and {{ previous }} then 'current'
        when {{ now }} and {{ before }} then 'resurrected'
        when {{ now }} then 'new'
        when {{ previous }} then 'dormant'
        when {{ before }} then 'inactive'
        else 'never_active'
    end as segment,
    case
        when {{ now }} and {{ previous }} then 'active_current_and_previous_period'
        when {{ now }} and {{ before }} then 'active_current_and_before_previous_not_previous'
        when {{ now }} then 'first_active_in_current_period'
        when {{ previous }} then 'active_previous_not_current_period'
        when {{ before }} then 'active_only_before_previous_period'
        else 'no_active_day'
    end as segment_reason
{%- endmacro %}
