-- One row per contact: the activity lifecycle state (new, current, resurrected,
-- dormant, inactive, never active; rule in macros/segmentation/activity_lifecycle.sql),
-- with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_activity_lifecycle() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('activity_lifecycle' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(first_activity_date as date) as first_activity_date,
        cast(last_activity_date as date) as last_activity_date,
        cast(active_days_current_period as {{ dbt.type_bigint() }}) as active_days_current_period,
        cast(active_days_previous_period as {{ dbt.type_bigint() }}) as active_days_previous_period,
        cast(active_days_before_previous_period as {{ dbt.type_bigint() }}) as active_days_before_previous_period
    from segmented
)

select * from final
