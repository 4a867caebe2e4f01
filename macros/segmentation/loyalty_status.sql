{#-
    Loyalty status: where a buyer stands, judged against their own rhythm.

    Expected gap between purchases:
      repeat buyers    their own average: days_first_to_last_purchase /
                       repeat_purchase_days (BTYD t_x / x)
      one-time buyers  default_gap_days (they have no gap of their own yet)
    A buyer is overdue once days_since_last_purchase exceeds a multiple of
    that gap, with a floor in days so a very frequent buyer is not flagged
    after a quiet week:
      at_risk_after_days  = greatest(at_risk_multiplier * gap, at_risk_min_days)
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

    Args (default from the var of the same role):
      default_gap_days         var loyalty_default_gap_days (90), >= 1
      at_risk_multiplier       var loyalty_at_risk_gap_multiplier (1.5), > 0
      at_risk_min_days         var loyalty_at_risk_min_days (60), >= 0
      churned_multiplier       var loyalty_churned_gap_multiplier (3), >= at_risk_multiplier
      churned_min_days         var loyalty_churned_min_days (180), >= at_risk_min_days
      loyal_min_purchase_days  var loyalty_loyal_min_purchase_days (4), >= 2
      loyal_recent_days        var loyalty_loyal_recent_days (60), >= 1
-#}
{% macro segment_loyalty_status(
    default_gap_days=none,
    at_risk_multiplier=none,
    at_risk_min_days=none,
    churned_multiplier=none,
    churned_min_days=none,
    loyal_min_purchase_days=none,
    loyal_recent_days=none
) %}
    {%- set default_gap_days = default_gap_days if default_gap_days is not none
        else config_int('loyalty_default_gap_days', 90, 1) -%}
    {%- set at_risk_multiplier = at_risk_multiplier if at_risk_multiplier is not none
        else config_number('loyalty_at_risk_gap_multiplier', 1.5, 0.1) -%}
    {%- set at_risk_min_days = at_risk_min_days if at_risk_min_days is not none
        else config_int('loyalty_at_risk_min_days', 60, 0) -%}
    {%- set churned_multiplier = churned_multiplier if churned_multiplier is not none
        else config_number('loyalty_churned_gap_multiplier', 3, 0.1) -%}
    {%- set churned_min_days = churned_min_days if churned_min_days is not none
        else config_int('loyalty_churned_min_days', 180, 0) -%}
    {%- set loyal_min_purchase_days = loyal_min_purchase_days if loyal_min_purchase_days is not none
        else config_int('loyalty_loyal_min_purchase_days', 4, 2) -%}
    {%- set loyal_recent_days = loyal_recent_days if loyal_recent_days is not none
        else config_int('loyalty_loyal_recent_days', 60, 1) -%}
    {%- if churned_multiplier < at_risk_multiplier -%}
        {{ config_error('loyalty_churned_gap_multiplier', churned_multiplier,
            "a multiplier >= loyalty_at_risk_gap_multiplier (" ~ at_risk_multiplier ~ ")") }}
    {%- endif -%}
    {%- if churned_min_days < at_risk_min_days -%}
        {{ config_error('loyalty_churned_min_days', churned_min_days,
            "a number of days >= loyalty_at_risk_min_days (" ~ at_risk_min_days ~ ")") }}
    {%- endif -%}
    {#- Whole numbers print without '.0' in the reasons. -#}
    {%- set at_risk_multiplier = at_risk_multiplier | int if at_risk_multiplier == at_risk_multiplier | int
        else at_risk_multiplier -%}
    {%- set churned_multiplier = churned_multiplier | int if churned_multiplier == churned_multiplier | int
        else churned_multiplier -%}

    {%- set expected_gap -%}
        case
            when repeat_purchase_days > 0
                then {{ safe_divide('days_first_to_last_purchase', 'repeat_purchase_days') }}
            when purchase_days > 0 then cast({{ default_gap_days }} as {{ type_double() }})
        end
    {%- endset -%}
    {%- set at_risk_after = 'greatest(' ~ at_risk_multiplier ~ ' * ' ~ expected_gap ~ ', ' ~ at_risk_min_days ~ ')' -%}
    {%- set churned_after = 'greatest(' ~ churned_multiplier ~ ' * ' ~ expected_gap ~ ', ' ~ churned_min_days ~ ')' -%}
    {%- set is_loyal -%}
        purchase_days >= {{ loyal_min_purchase_days }} and days_since_last_purchase < {{ loyal_recent_days }}
    {%- endset -%}

    {%- set rules = [
        ('prospect', 'coalesce(purchase_days, 0) = 0', 'purchase_days=0'),
        ('churned', 'days_since_last_purchase > ' ~ churned_after,
            'days_since_last_purchase>' ~ churned_multiplier ~ 'x_gap_and_' ~ churned_min_days ~ '_days'),
        ('at_risk', 'days_since_last_purchase > ' ~ at_risk_after,
            'days_since_last_purchase>' ~ at_risk_multiplier ~ 'x_gap_and_' ~ at_risk_min_days ~ '_days'),
        ('advocate', is_loyal ~ ' and review_count + referral_count > 0', 'loyal_and_reviewed_or_referred'),
        ('loyal', is_loyal,
            'purchase_days>=' ~ loyal_min_purchase_days ~ '_and_purchase_in_last_' ~ loyal_recent_days ~ '_days'),
        ('repeat_buyer', 'purchase_days >= 2', 'purchase_days>=2'),
    ] -%}

    {{ expected_gap }} as expected_gap_days,
    case when purchase_days > 0 then cast({{ at_risk_after }} as {{ type_double() }}) end as at_risk_after_days,
    case when purchase_days > 0 then cast({{ churned_after }} as {{ type_double() }}) end as churned_after_days,
    case
        {%- for label, condition, reason in rules %}
        when {{ condition }} then '{{ label }}'
        {%- endfor %}
        else 'first_time_buyer'
    end as segment,
    case
        {%- for label, condition, reason in rules %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
        else 'purchase_days=1'
    end as segment_reason
{%- endmacro %}
