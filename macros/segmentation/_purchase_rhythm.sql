{#-
    The purchase rhythm: one expected gap between purchases per contact,
    computed once in the facts (models/marts/facts/fct_contact_behavior.sql)
    and read by every type that judges a buyer's recency, so they cannot
    contradict each other (issue 9, item 3):

      expected_purchase_gap_days   repeat buyers: their own average,
                                   days_first_to_last_purchase /
                                   repeat_purchase_days (BTYD t_x / x);
                                   one-time buyers: rhythm_default_gap_days;
                                   null for non-buyers
      purchase_overdue_after_days  greatest(rhythm_overdue_gap_multiplier x
                                   expected gap, rhythm_overdue_min_days): the
                                   floor keeps a weekly buyer from being
                                   overdue after one quiet week

    A buyer is overdue when days_since_last_purchase > purchase_overdue_after_days:
      loyalty_status      at_risk (churned further out, its own vars)
      user_status         ex_user
      journey_stage       lapsed, when there is no activity either
      rfm                 recency score at most rfm_overdue_max_r_score
    activity_lifecycle keeps fixed periods (growth accounting; see its macro).

    A type that reads the rhythm adds rhythm_parameters() to its own
    <type>_parameters(), so its rule_version and its rule table text follow
    the rhythm vars.
-#}
{% macro rhythm_parameters() %}
    {{ return({
        'default_gap_days': 'rhythm_default_gap_days',
        'overdue_multiplier': 'rhythm_overdue_gap_multiplier',
        'overdue_min_days': 'rhythm_overdue_min_days',
    }) }}
{% endmacro %}


{#- The overdue test in words, with the thresholds in force (rule tables). -#}
{% macro rhythm_overdue_words(p) %}
    {{ return('last purchase more than max(' ~ p.overdue_multiplier ~ ' x the expected gap, '
        ~ p.overdue_min_days ~ ' days) ago (expected gap: own average, ' ~ p.default_gap_days
        ~ ' days for a one-time buyer)') }}
{% endmacro %}


{#- SQL: the buyer is overdue against their rhythm. -#}
{% macro rhythm_is_overdue(prefix='') %}
    {{ return(prefix ~ 'days_since_last_purchase > ' ~ prefix ~ 'purchase_overdue_after_days') }}
{% endmacro %}


{#- Reason part: "buys every 150 days on average" (repeat buyers) or
    "one purchase so far: 90 days assumed between purchases" (one-time buyers). -#}
{% macro rhythm_reason(prefix='') %}
    {%- set gap = reason_int(prefix ~ 'expected_purchase_gap_days')['sql'] -%}
    {{ return([{'sql': "case when " ~ prefix ~ "purchase_days = 1 then "
        ~ dbt.concat(["'one purchase so far: '", gap, "' days assumed between purchases'"])
        ~ " else " ~ dbt.concat(["'buys every '", gap, "' days on average'"]) ~ " end",
        'doc': 'buys every N days on average (one purchase so far: N days assumed between purchases)'}]) }}
{% endmacro %}


{#- The SQL of the two fact columns, over the purchase summary columns
    (first/last purchase date, purchase days) named by the caller. -#}
{% macro rhythm_fact_columns(first_purchase_date, last_purchase_date, purchase_days) %}
    {%- do rhythm_check_retired_vars() -%}
    {%- set default_gap = rule_parameter('rhythm_default_gap_days') -%}
    {%- set multiplier = rule_parameter('rhythm_overdue_gap_multiplier') -%}
    {%- set min_days = rule_parameter('rhythm_overdue_min_days') -%}
    {%- set gap -%}
        case
            when {{ purchase_days }} > 1
                then cast({{ days_between(first_purchase_date, last_purchase_date) }} as {{ type_double() }})
                    / ({{ purchase_days }} - 1)
            when {{ purchase_days }} = 1 then cast({{ default_gap }} as {{ type_double() }})
        end
    {%- endset -%}
    {{ return({
        'expected_purchase_gap_days': gap,
        'purchase_overdue_after_days': 'cast(case when ' ~ purchase_days ~ ' > 0 then greatest(' ~ multiplier
            ~ ' * (' ~ gap ~ '), ' ~ min_days ~ ') end as ' ~ type_double() ~ ')',
    }) }}
{% endmacro %}


{#- The vars the rhythm replaced: a value set for one of them stops the build
    with the name to use instead, so an old override is never ignored silently. -#}
{% macro rhythm_check_retired_vars() %}
    {%- set retired = {
        'loyalty_default_gap_days': 'rhythm_default_gap_days',
        'loyalty_at_risk_gap_multiplier': 'rhythm_overdue_gap_multiplier',
        'loyalty_at_risk_min_days': 'rhythm_overdue_min_days',
        'user_status_recent_days': 'rhythm_overdue_gap_multiplier and rhythm_overdue_min_days (ex_user is '
            ~ 'now overdue against the purchase rhythm, not a fixed number of days)',
    } -%}
    {%- do config_retired_vars(retired,
        'the purchase rhythm is shared by every type (macros/segmentation/_purchase_rhythm.sql)') -%}
{% endmacro %}


{#- Reason part: a count with its noun, singular for one: "1 purchase day",
    "3 purchase days". (A general rule-table helper; it lives here until
    _rule_table.sql has one.) -#}
