-- Every label in seeds/segments/forbidden_label_combinations.csv is a label
-- of its type in segment_definitions, and the two sides name different types,
-- so no row is silently vacuous. Returns one row per problem.
with

forbidden as (
    select * from {{ ref('forbidden_label_combinations') }}
),

definitions as (
    select
        segmentation_type,
        segment
    from {{ ref('segment_definitions') }}
),

sides as (
    select
        segmentation_type_a as segmentation_type,
        segment_a as segment
    from forbidden
    union all
    select
        segmentation_type_b as segmentation_type,
        segment_b as segment
    from forbidden
)

select
    sides.segmentation_type,
    sides.segment,
    'not in segment_definitions' as problem
from sides
left join definitions
    on
        sides.segmentation_type = definitions.segmentation_type
        and sides.segment = definitions.segment
where definitions.segment is null

union all

select
    segmentation_type_a as segmentation_type,
    segment_a as segment,
    'both sides name the same type' as problem
from forbidden
where segmentation_type_a = segmentation_type_b
