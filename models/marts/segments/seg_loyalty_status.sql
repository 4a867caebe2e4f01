-- One row per contact: loyalty status judged against the contact's own
-- purchase rhythm (rule in macros/segmentation/loyalty_status.sql), with the
-- facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_loyalty_status() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('loyalty_status' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        cast(repeat_purchase_days as {{ dbt.type_bigint() }}) as repeat_purchase_days,
        cast(days_first_to_last_purchase as {{ dbt.type_bigint() }}) as days_first_to_last_purchase,
        cast(days_since_last_purchase as {{ dbt.type_bigint() }}) as days_since_last_purchase,
        cast(expected_gap_days as {{ type_double() }}) as expected_gap_days,
        cast(at_risk_after_days as {{ type_double() }}) as at_risk_after_days,
        cast(churned_after_days as {{ type_double() }}) as churned_after_days,
        cast(review_count as {{ dbt.type_bigint() }}) as review_count,
        cast(referral_count as {{ dbt.type_bigint() }}) as referral_count
    from segmented
)

select * from final
