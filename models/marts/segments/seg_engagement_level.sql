-- One row per contact: engagement level and reachability (rule in
-- macros/segmentation/engagement_level.sql), with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_engagement_level() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('engagement_level' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(is_reachable as {{ dbt.type_boolean() }}) as is_reachable,
        cast(email_opt_in as {{ dbt.type_boolean() }}) as email_opt_in,
        cast(has_unsubscribed as {{ dbt.type_boolean() }}) as has_unsubscribed,
        cast(has_bounced as {{ dbt.type_boolean() }}) as has_bounced,
        cast(days_since_last_engagement as {{ dbt.type_bigint() }}) as days_since_last_engagement,
        cast(email_sends_since_last_engagement as {{ dbt.type_bigint() }}) as email_sends_since_last_engagement,
        cast(engagement_score as {{ type_double() }}) as engagement_score
    from segmented
)

select * from final
