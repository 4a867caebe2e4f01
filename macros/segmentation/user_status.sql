{#-
    User status: has the contact used, bought, and is the buying recent.

    Rule (first match wins):
      ex_user          purchased before, but days_since_last_purchase > recent_days;
      regular_user     purchase_days >= 2 and days_since_last_purchase <= recent_days;
      first_time_user  purchase_days = 1 and days_since_last_purchase <= recent_days;
      potential_user   never purchased, but used the product (usage_events_long > 0)
                       or engaged (engagement_events_long > 0) in the long window;
      non_user         never purchased, no usage and no engagement in the long window.

    "The long window" is the facts' trailing window of var
    fact_window_long_days (default 90 days, the as-of date included); it is
    fixed by the facts and only named here (in segment_reason).

    Args (default from the var of the same role):
      recent_days  var user_status_recent_days (90): a purchase at most this
                   many days before the as-of date is recent
-#}
{% macro segment_user_status(recent_days=none) %}
    {%- set recent_days = recent_days if recent_days is not none
        else config_int('user_status_recent_days', 90, 0) -%}
    {%- set long_days = config_int('fact_window_long_days', 90, 1) -%}
    case
        when purchase_days >= 1 and days_since_last_purchase > {{ recent_days }} then 'ex_user'
        when purchase_days >= 2 then 'regular_user'
        when purchase_days = 1 then 'first_time_user'
        when coalesce(usage_events_long, 0) > 0 or coalesce(engagement_events_long, 0) > 0 then 'potential_user'
        else 'non_user'
    end as segment,
    case
        when purchase_days >= 1 and days_since_last_purchase > {{ recent_days }}
            then 'days_since_last_purchase>{{ recent_days }}'
        when purchase_days >= 2 then 'purchase_days>=2_and_days_since_last_purchase<={{ recent_days }}'
        when purchase_days = 1 then 'purchase_days=1_and_days_since_last_purchase<={{ recent_days }}'
        when coalesce(usage_events_long, 0) > 0 or coalesce(engagement_events_long, 0) > 0
            then 'no_purchase_but_usage_or_engagement_in_{{ long_days }}d'
        else 'no_purchase_usage_or_engagement_in_{{ long_days }}d'
    end as segment_reason
{%- endmacro %}
