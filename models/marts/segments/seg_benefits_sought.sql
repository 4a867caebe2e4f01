-- One row per contact: the benefit the contact's orders show they seek (rule in
-- macros/segmentation/benefits_sought.sql), with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_benefits_sought() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('benefits_sought' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(discounted_order_share as {{ type_double() }}) as discounted_order_share,
        cast(premium_order_share as {{ type_double() }}) as premium_order_share,
        cast(convenience_order_share as {{ type_double() }}) as convenience_order_share
    from segmented
)

select * from final
