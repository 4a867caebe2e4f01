-- Segment overlap: a cross-tab of two segmentation types (vars
-- overlap_type_a and overlap_type_b, default rfm x engagement_level): how
-- many contacts carry each pair of labels, and the share of label A's
-- contacts that carry label B.
{%- set type_a = var('overlap_type_a', 'rfm') %}
{%- set type_b = var('overlap_type_b', 'engagement_level') %}
{%- for name, value in [('overlap_type_a', type_a), ('overlap_type_b', type_b)] %}
    {%- if value is not string or value not in segmentation_types() %}
        {{ config_error(name, value, "one of " ~ segmentation_types() | join(', ')) }}
    {%- endif %}
{%- endfor %}
with

membership as (
    select * from {{ ref('segment_membership') }}
),

pairs as (
    select
        type_a.segment as segment_a,
        type_b.segment as segment_b,
        count(*) as contacts
    from membership as type_a
    inner join membership as type_b
        on type_a.contact_id = type_b.contact_id
    where
        type_a.segmentation_type = '{{ type_a }}'
        and type_b.segmentation_type = '{{ type_b }}'
    group by type_a.segment, type_b.segment
),

final as (
    select
        '{{ type_a }}' as segmentation_type_a,
        segment_a,
        '{{ type_b }}' as segmentation_type_b,
        segment_b,
        contacts,
        {{ safe_divide('contacts', 'sum(contacts) over (partition by segment_a)') }} as share_of_segment_a
    from pairs
)

select * from final
order by segment_a, segment_b
