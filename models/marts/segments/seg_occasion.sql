-- One row per contact: the occasion pattern of the contact's purchase days
-- (rule in macros/segmentation/occasion.sql), with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_occasion() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('occasion' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        cast(occasion_purchase_day_share as {{ type_double() }}) as occasion_purchase_day_share,
        cast(weekend_purchase_day_share as {{ type_double() }}) as weekend_purchase_day_share
    from segmented
)

select * from final
