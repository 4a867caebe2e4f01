{#-
    One row per contact and forbidden combination it holds: the wide model
    (one `<type>_segment` column per segmentation type, e.g. contact_segments)
    is unpivoted and matched against the seed of forbidden combinations
    (seeds/segments/forbidden_label_combinations.csv, columns
    segmentation_type_a, segment_a, segmentation_type_b, segment_b, why).
-#}
{% test no_forbidden_label_combinations(model, combinations) %}
with

labels as (
    {%- for segmentation_type in segmentation_types() %}
    select
        contact_id,
        '{{ segmentation_type }}' as segmentation_type,
        {{ segmentation_type }}_segment as segment
    from {{ model }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

forbidden as (
    select * from {{ combinations }}
)

select
    label_a.contact_id,
    forbidden.segmentation_type_a,
    forbidden.segment_a,
    forbidden.segmentation_type_b,
    forbidden.segment_b,
    forbidden.why
from forbidden
inner join labels as label_a
    on
        forbidden.segmentation_type_a = label_a.segmentation_type
        and forbidden.segment_a = label_a.segment
inner join labels as label_b
    on
        label_a.contact_id = label_b.contact_id
        and forbidden.segmentation_type_b = label_b.segmentation_type
        and forbidden.segment_b = label_b.segment
{% endtest %}
