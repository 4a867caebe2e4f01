-- One row per contact: the RFM scores and the named R x F grid cell (rule in
-- macros/segmentation/rfm.sql, names in the rfm_segment_map seed), with the
-- facts that decided it.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segmented as (
    {{ segment_rfm('facts') }}
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('rfm' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        cast(r_score as {{ dbt.type_int() }}) as r_score,
        cast(f_score as {{ dbt.type_int() }}) as f_score,
        cast(m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm_cell as {{ dbt.type_string() }}) as rfm_cell,
        cast(days_since_last_purchase as {{ dbt.type_bigint() }}) as days_since_last_purchase,
        cast(purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        cast(net_revenue as decimal(18, 2)) as net_revenue
    from segmented
)

select * from final
