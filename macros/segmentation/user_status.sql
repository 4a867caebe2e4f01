{#-
    User status: has the contact used, bought, and is the buying still on
    the contact's own rhythm.

    "On rhythm" is the shared purchase rhythm of the facts
    (macros/segmentation/_purchase_rhythm.sql): a buyer is overdue when
    days_since_last_purchase > purchase_overdue_after_days =
    max(overdue_multiplier x expected gap, overdue_min_days), the expected gap
    being the buyer's own average days between purchase days, or
    default_gap_days for a one-time buyer. It is the same test as loyalty
    at_risk, so an ex_user is always at_risk or churned in loyalty and a
    repeat_buyer / loyal / advocate is never an ex_user (a buyer on a steady
    150-day rhythm, last seen 100 days ago, is a regular_user).

    Rule table (first match wins; user_status_rules below):
      ex_user          bought, and overdue against the rhythm (one rule for
                       repeat buyers, one for one-time buyers: their reasons
                       differ);
      regular_user     2+ purchase days, not overdue;
      first_time_user  1 purchase day, not overdue;
      potential_user   never bought, but used the product (usage_events_long > 0)
                       or engaged (engagement_events_long > 0) in the facts'
                       long window (long_days);
      non_user         never bought, no usage and no engagement in that window.

    Args (keyword arguments of segment_user_status; each defaults to its var,
    default and comment in dbt_project.yml, bounds in _rule_parameters.sql):
      default_gap_days, overdue_multiplier, overdue_min_days  the rhythm
                   (rhythm_default_gap_days, rhythm_overdue_gap_multiplier,
                   rhythm_overdue_min_days); the facts apply them, the rules
                   name them
      long_days    var fact_window_long_days: the facts' long window, named
                   in the reasons
-#}
{% macro user_status_parameters() %}
    {%- set names = rhythm_parameters() -%}
    {%- do names.update({'long_days': 'fact_window_long_days'}) -%}
    {{ return(names) }}
{% endmacro %}


{% macro user_status_rules(p) %}
    {%- set overdue = rhythm_is_overdue() -%}
    {%- set last = ['last purchase ', reason_int('days_since_last_purchase'), ' days ago; '] -%}
    {%- set window = ' in the last ' ~ p.long_days ~ ' days' -%}
    {%- set no_purchase = 'coalesce(purchase_days, 0) = 0' -%}
    {{ return([
        {'label': 'ex_user', 'when': 'purchase_days >= 2 and ' ~ overdue, 'code': 'overdue_repeat_buyer',
            'rule': '2+ purchase days and overdue: ' ~ rhythm_overdue_words(p),
            'reason': last + rhythm_reason() + ['; overdue after ', reason_int('purchase_overdue_after_days'), ' days']},
        {'label': 'ex_user', 'when': 'purchase_days = 1 and ' ~ overdue, 'code': 'overdue_one_time_buyer',
            'rule': '1 purchase day, more than max(' ~ p.overdue_multiplier ~ ' x ' ~ p.default_gap_days ~ ', '
                ~ p.overdue_min_days ~ ') days ago',
            'reason': ['one purchase, ', reason_int('days_since_last_purchase'), ' days ago; overdue after ',
                reason_int('purchase_overdue_after_days'), ' days']},
        {'label': 'regular_user', 'when': 'purchase_days >= 2', 'code': 'repeat_on_rhythm',
            'rule': '2+ purchase days, not overdue',
            'reason': last + rhythm_reason()},
        {'label': 'first_time_user', 'when': 'purchase_days = 1', 'code': 'one_purchase_on_rhythm',
            'rule': '1 purchase day, not overdue',
            'reason': ['one purchase, ', reason_int('days_since_last_purchase'), ' days ago; not overdue until ',
                reason_int('purchase_overdue_after_days'), ' days']},
        {'label': 'potential_user',
            'when': no_purchase ~ ' and (coalesce(usage_events_long, 0) > 0 or coalesce(engagement_events_long, 0) > 0)',
            'code': 'used_or_engaged_no_purchase',
            'rule': 'no purchase, but usage or engagement events' ~ window,
            'reason': ['no purchase; ', reason_int('coalesce(usage_events_long, 0)'), ' usage and ',
                reason_int('coalesce(engagement_events_long, 0)'), ' engagement events' ~ window]},
        {'label': 'non_user', 'when': 'true', 'code': 'no_purchase_usage_or_engagement',
            'rule': 'no purchase, no usage or engagement event' ~ window,
            'reason': ['no purchase, usage or engagement' ~ window]},
    ]) }}
{% endmacro %}


{% macro segment_user_status() %}
    {%- set p = rule_parameters('user_status', kwargs) -%}
    {{ rule_table(user_status_rules(p)) }}
{%- endmacro %}
