-- One row per contact: the customer journey stage as of the as-of date (rule in
-- macros/segmentation/journey_stage.sql), with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

journey_stages as (
    select * from {{ ref('journey_stages') }}
),

facts_with_stage as (
    select
        facts.*,
        journey_stages.journey_stage as max_event_journey_stage
    from facts
    left join journey_stages
        on facts.max_event_journey_stage_rank = journey_stages.stage_rank
),

segmented as (
    select
        facts_with_stage.*,
        {{ segment_journey_stage() }}
    from facts_with_stage
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('journey_stage' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(last_activity_date as date) as last_activity_date,
        cast(days_since_last_activity as {{ dbt.type_bigint() }}) as days_since_last_activity,
        cast(max_event_journey_stage_rank as {{ dbt.type_int() }}) as max_event_journey_stage_rank,
        cast(max_event_journey_stage as {{ dbt.type_string() }}) as max_event_journey_stage,
        cast(purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        cast(review_count as {{ dbt.type_bigint() }}) as review_count,
        cast(referral_count as {{ dbt.type_bigint() }}) as referral_count
    from segmented
)

select * from final
