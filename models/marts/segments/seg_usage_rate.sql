-- One row per contact: heavy / medium / light / non_user by usage events in a
-- trailing window (rule in macros/segmentation/usage_rate.sql), with the facts
-- that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_usage_rate() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('usage_rate' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(usage_rate_method as {{ dbt.type_string() }}) as usage_rate_method,
        cast(usage_rate_window as {{ dbt.type_string() }}) as usage_rate_window,
        cast(usage_events_in_window as {{ dbt.type_bigint() }}) as usage_events_in_window,
        cast(usage_user_rank as {{ dbt.type_bigint() }}) as usage_user_rank,
        cast(usage_user_count as {{ dbt.type_bigint() }}) as usage_user_count,
        cast(usage_events_short as {{ dbt.type_bigint() }}) as usage_events_short,
        cast(usage_events_medium as {{ dbt.type_bigint() }}) as usage_events_medium,
        cast(usage_events_long as {{ dbt.type_bigint() }}) as usage_events_long
    from segmented
)

select * from final
