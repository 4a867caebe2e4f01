-- One row per contact: user status (non-user to regular and ex-user; rule in
-- macros/segmentation/user_status.sql), with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_user_status() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('user_status' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        cast(days_since_last_purchase as {{ dbt.type_bigint() }}) as days_since_last_purchase,
        cast(usage_events_long as {{ dbt.type_bigint() }}) as usage_events_long,
        cast(engagement_events_long as {{ dbt.type_bigint() }}) as engagement_events_long
    from segmented
)

select * from final
