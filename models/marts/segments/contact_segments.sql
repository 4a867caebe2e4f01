-- One row per contact (wide form): the label in every segmentation type, the
-- RFM scores, reachability and the as-of date.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

rfm as (
    select * from {{ ref('seg_rfm') }}
),

membership as (
    select * from {{ ref('segment_membership') }}
),

pivoted as (
    select
        {%- for segmentation_type in segmentation_types() %}
            max(case when segmentation_type = '{{ segmentation_type }}' then segment end)
                as {{ segmentation_type }}_segment,
        {%- endfor %}
        contact_id
    from membership
    group by contact_id
),

final as (
    select
        cast(facts.contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(facts.as_of_date as date) as as_of_date,
        cast(facts.is_reachable as boolean) as is_reachable,
        {%- for segmentation_type in segmentation_types() %}
            cast(pivoted.{{ segmentation_type }}_segment as {{ dbt.type_string() }})
                as {{ segmentation_type }}_segment,
        {%- endfor %}
        cast(rfm.r_score as {{ dbt.type_int() }}) as r_score,
        cast(rfm.f_score as {{ dbt.type_int() }}) as f_score,
        cast(rfm.m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm.rfm_cell as {{ dbt.type_string() }}) as rfm_cell
    from facts
    left join pivoted
        on facts.contact_id = pivoted.contact_id
    left join rfm
        on facts.contact_id = rfm.contact_id
)

select * from final
