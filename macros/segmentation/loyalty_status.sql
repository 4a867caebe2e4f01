{#-
    Loyalty status: where a buyer stands, judged against their own rhythm.

    Expected gap between purchases: the shared purchase rhythm of the facts
    (macros/segmentation/_purchase_rhythm.sql), read by user status, journey
    and RFM too, so they never contradict loyalty:
      expected_purchase_gap_days   repeat buyers their own average
                                   (days_first_to_last_purchase /
                                   repeat_purchase_days, BTYD t_x / x);
                                   one-time buyers rhythm_default_gap_days
    A buyer is overdue once days_since_last_purchase exceeds a multiple of
    that gap, with a floor in days so a very frequent buyer is not flagged
    after a quiet week:
      at_risk_after_days  = purchase_overdue_after_days (the facts) =
                            greatest(overdue_multiplier * gap, overdue_min_days)
      churned_after_days  = greatest(churned_multiplier * gap, churned_min_days)

    Rule (first match wins):
      prospect          no purchase day
      churned           days_since_last_purchase > churned_after_days
      at_risk           days_since_last_purchase > at_risk_after_days
      advocate          loyal (below) and review_count + referral_count > 0
      loyal             purchase_days >= loyal_min_purchase_days and a purchase
                        on one of the last loyal_recent_days days
                        (days_since_last_purchase < N: days_ago 0 .. N-1, as
                        the fact windows). The facts hold purchase days over
                        the whole history, not per window, so "N purchase days
                        within M months" is approximated by "N purchase days
                        in total and recent".
      repeat_buyer      2 or more purchase days
      first_time_buyer  1 purchase day

    Besides segment and segment_reason it yields expected_gap_days,
    at_risk_after_days and churned_after_days (null for prospects).

    The rules are one rule table (macros/segmentation/_rule_table.sql):
    label, condition, reason sentence and reason_code side by side in
    loyalty_status_rules below.

    Args (keyword arguments of segment_loyalty_status; each defaults to its
    var, whose default and comment live in dbt_project.yml and whose bounds
    live in macros/segmentation/_rule_parameters.sql):
      default_gap_days         var rhythm_default_gap_days (90), >= 1     } the shared rhythm,
      overdue_multiplier       var rhythm_overdue_gap_multiplier (1.5)   } computed in the facts;
      overdue_min_days         var rhythm_overdue_min_days (60)          } named in the rules
      churned_multiplier       var loyalty_churned_gap_multiplier (3), >= overdue_multiplier
      churned_min_days         var loyalty_churned_min_days (180), >= overdue_min_days
      loyal_min_purchase_days  var loyalty_loyal_min_purchase_days (4), >= 2
      loyal_recent_days        var loyalty_loyal_recent_days (60), >= 1
-#}
{% macro loyalty_status_parameters() %}
    {%- set names = rhythm_parameters() -%}
    {%- do names.update({
        'churned_multiplier': 'loyalty_churned_gap_multiplier',
        'churned_min_days': 'loyalty_churned_min_days',
        'loyal_min_purchase_days': 'loyalty_loyal_min_purchase_days',
        'loyal_recent_days': 'loyalty_loyal_recent_days',
    }) -%}
    {{ return(names) }}
{% endmacro %}


{#- SQL of the derived values the rules and the evidence columns share. -#}
{% macro loyalty_status_derived(p) %}
    {%- set expected_gap = 'expected_purchase_gap_days' -%}
    {{ return({
        'expected_gap': expected_gap,
        'at_risk_after': 'purchase_overdue_after_days',
        'churned_after': 'greatest(' ~ p.churned_multiplier ~ ' * ' ~ expected_gap ~ ', ' ~ p.churned_min_days ~ ')',
    }) }}
{% endmacro %}


{% macro loyalty_status_rules(p) %}
    {%- if p.churned_multiplier < p.overdue_multiplier -%}
        {{ config_error('loyalty_churned_gap_multiplier', p.churned_multiplier,
            "a multiplier >= rhythm_overdue_gap_multiplier (" ~ p.overdue_multiplier ~ ")") }}
    {%- endif -%}
    {%- if p.churned_min_days < p.overdue_min_days -%}
        {{ config_error('loyalty_churned_min_days', p.churned_min_days,
            "a number of days >= rhythm_overdue_min_days (" ~ p.overdue_min_days ~ ")") }}
    {%- endif -%}
    {%- set d = loyalty_status_derived(p) -%}
    {%- set is_loyal -%}
        purchase_days >= {{ p.loyal_min_purchase_days }} and days_since_last_purchase < {{ p.loyal_recent_days }}
    {%- endset -%}
    {%- set rhythm = [
        'last purchase ', reason_int('days_since_last_purchase'), ' days ago; ',
    ] -%}
    {#- "buys every 150 days on average", or for one purchase "one purchase
        so far: 90 days assumed between purchases" (_purchase_rhythm.sql) -#}
    {%- set own_gap = rhythm_reason() -%}
    {{ return([
        {'label': 'prospect', 'when': 'coalesce(purchase_days, 0) = 0', 'code': 'no_purchase',
            'rule': 'no purchase day',
            'reason': ['no purchase yet']},
        {'label': 'churned', 'when': 'days_since_last_purchase > ' ~ d.churned_after, 'code': 'overdue_churned',
            'rule': 'last purchase more than ' ~ p.churned_multiplier ~ ' x the expected gap and more than '
                ~ p.churned_min_days ~ ' days ago',
            'reason': rhythm + own_gap + ['; churned after ', reason_int(d.churned_after), ' days']},
        {'label': 'at_risk', 'when': 'days_since_last_purchase > ' ~ d.at_risk_after, 'code': 'overdue_at_risk',
            'rule': 'overdue: ' ~ rhythm_overdue_words(p),
            'reason': rhythm + own_gap + ['; at risk after ', reason_int(d.at_risk_after), ' days']},
        {'label': 'advocate', 'when': is_loyal ~ ' and review_count + referral_count > 0', 'code': 'loyal_and_advocating',
            'rule': 'loyal (below) and at least one review or referral',
            'reason': [reason_int('purchase_days'), ' purchase days, the last ', reason_int('days_since_last_purchase'),
                ' days ago; ', reason_count('review_count + referral_count', 'review or referral', 'reviews or referrals')]},
        {'label': 'loyal', 'when': is_loyal, 'code': 'frequent_and_recent',
            'rule': 'at least ' ~ p.loyal_min_purchase_days ~ ' purchase days and a purchase in the last '
                ~ p.loyal_recent_days ~ ' days',
            'reason': [reason_int('purchase_days'), ' purchase days, the last ', reason_int('days_since_last_purchase'),
                ' days ago']},
        {'label': 'repeat_buyer', 'when': 'purchase_days >= 2', 'code': 'repeat_purchases',
            'rule': '2 or more purchase days',
            'reason': [reason_int('purchase_days'), ' purchase days; '] + rhythm + own_gap},
        {'label': 'first_time_buyer', 'when': 'true', 'code': 'one_purchase',
            'rule': '1 purchase day',
            'reason': ['one purchase, ', reason_count('days_since_last_purchase', 'day'), ' ago']},
    ]) }}
{% endmacro %}


{% macro segment_loyalty_status() %}
    {%- set p = rule_parameters('loyalty_status', kwargs) -%}
    {%- set d = loyalty_status_derived(p) -%}
    {{ d.expected_gap }} as expected_gap_days,
    case when purchase_days > 0 then cast({{ d.at_risk_after }} as {{ type_double() }}) end as at_risk_after_days,
    case when purchase_days > 0 then cast({{ d.churned_after }} as {{ type_double() }}) end as churned_after_days,
    {{ rule_table(loyalty_status_rules(p)) }}
{%- endmacro %}
