{#-
    Customer journey stage: the furthest stage a contact has reached, as long
    as the contact is still active.

    Rule (first match wins):
      unknown        no activity at all (last_activity_date is null);
      lapsed         days_since_last_activity > lapse_days (no activity in the
                     last lapse_days days, whatever stage was reached);
      advocate       purchase_days >= advocate_min_purchase_days and at least
                     one review or referral;
      customer       at least one purchase day;
      <event stage>  the journey stage of the furthest event reached
                     (max_event_journey_stage: awareness = page views, email
                     clicks and social; consideration = product views,
                     downloads and form submits; decision = cart, checkout,
                     demo request), named from seeds/reference/journey_stages;
      awareness      active but no event carries a journey stage (for example
                     only email opens or app sessions).

    Stage ranks come from the facts (max_event_journey_stage_rank, set per
    event type by the event_taxonomy seed). The model names that rank through
    the journey_stages seed and passes it in as the column
    max_event_journey_stage; purchases outrank every event stage, so customer
    and advocate are decided from the purchase facts.

    Args (default from the var of the same role):
      lapse_days                  var journey_lapse_days (90)
      advocate_min_purchase_days  var journey_advocate_min_purchase_days (2)

    Input columns: last_activity_date, days_since_last_activity,
    purchase_days, review_count, referral_count, max_event_journey_stage.
-#}
{% macro segment_journey_stage(lapse_days=none, advocate_min_purchase_days=none) %}
    {%- set lapse_days = lapse_days if lapse_days is not none
        else config_int('journey_lapse_days', 90, 1) -%}
    {%- set advocate_min_purchase_days = advocate_min_purchase_days if advocate_min_purchase_days is not none
        else config_int('journey_advocate_min_purchase_days', 2, 1) -%}
    case
        when last_activity_date is null then 'unknown'
        when days_since_last_activity > {{ lapse_days }} then 'lapsed'
        when
            purchase_days >= {{ advocate_min_purchase_days }}
            and (coalesce(review_count, 0) > 0 or coalesce(referral_count, 0) > 0)
            then 'advocate'
        when purchase_days >= 1 then 'customer'
        when max_event_journey_stage is not null then max_event_journey_stage
        else 'awareness'
    end as segment,
    case
        when last_activity_date is null then 'no_activity'
        when days_since_last_activity > {{ lapse_days }} then 'days_since_last_activity>{{ lapse_days }}'
        when
            purchase_days >= {{ advocate_min_purchase_days }}
            and (coalesce(review_count, 0) > 0 or coalesce(referral_count, 0) > 0)
            then 'purchase_days>={{ advocate_min_purchase_days }}_and_reviewed_or_referred'
        when purchase_days >= 1 then 'purchase_days>=1'
        when max_event_journey_stage is not null
            then {{ dbt.concat(["'max_event_stage='", "max_event_journey_stage"]) }}
        else 'active_without_staged_event'
    end as segment_reason
{%- endmacro %}
