-- One row per contact and segmentation type (long form): the label, the
-- reason sentence, its reason_code and the rule_version that produced it. What a BI tool filters on.
with

{% for segmentation_type in segmentation_types() %}
    {{ segmentation_type }}_rows as (
        select
            contact_id,
            segmentation_type,
            segment,
            segment_reason as reason,
            reason_code,
            rule_version,
            as_of_date
        from {{ ref('seg_' ~ segmentation_type) }}
    ),

{% endfor %}
unioned as (
    {%- for segmentation_type in segmentation_types() %}
        select * from {{ segmentation_type }}_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    cast(contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(segmentation_type as {{ dbt.type_string() }}) as segmentation_type,
    cast(segment as {{ dbt.type_string() }}) as segment,
    cast(reason as {{ dbt.type_string() }}) as reason,
    cast(reason_code as {{ dbt.type_string() }}) as reason_code,
    cast(rule_version as {{ dbt.type_string() }}) as rule_version,
    cast(as_of_date as date) as as_of_date
from unioned
