-- One row per contact: how the contact buys (rule and precedence in
-- macros/segmentation/purchase_behavior.sql), with the facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    select
        facts.*,
        {{ segment_purchase_behavior() }}
    from facts
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('purchase_behavior' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(days_since_abandoned_cart as {{ dbt.type_bigint() }}) as days_since_abandoned_cart,
        cast(last_abandoned_cart_at as {{ dbt.type_timestamp() }}) as last_abandoned_cart_at,
        cast(last_purchase_at as {{ dbt.type_timestamp() }}) as last_purchase_at,
        cast(order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(discounted_order_share as {{ type_double() }}) as discounted_order_share,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        cast(purchaser_revenue_rank as {{ dbt.type_bigint() }}) as purchaser_revenue_rank,
        cast(purchaser_count as {{ dbt.type_bigint() }}) as purchaser_count,
        cast(research_events_before_first_purchase as {{ dbt.type_bigint() }})
            as research_events_before_first_purchase,
        cast(visits_before_first_purchase as {{ dbt.type_bigint() }}) as visits_before_first_purchase,
        cast(first_visit_at as {{ dbt.type_timestamp() }}) as first_visit_at,
        cast(first_purchase_date as date) as first_purchase_date
    from segmented
)

select * from final
