-- The RFM grid seed partitions the R x F grid: every (r_score, f_score) cell
-- of 1..rfm_bins appears exactly once, no row lies outside the grid, and every
-- name is an rfm label of segment_definitions (no_purchase is not a cell: it
-- is given to non-purchasers only). Returns one row per problem.
{%- set bins = config_int('rfm_bins', 5, 2, 9) %}
with

segment_map as (
    select
        r_score,
        f_score,
        segment
    from {{ rfm_segment_map_relation() }}
),

definitions as (
    select segment
    from {{ ref('segment_definitions') }}
    where
        segmentation_type = 'rfm'
        and segment <> 'no_purchase'
),

scores as (
    {%- for score in range(1, bins + 1) %}
        select {{ score }} as score
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

grid_cells as (
    select
        r_scores.score as r_score,
        f_scores.score as f_score
    from scores as r_scores
    cross join scores as f_scores
),

cell_counts as (
    select
        r_score,
        f_score,
        count(*) as rows_for_cell
    from segment_map
    group by r_score, f_score
),

problems as (
    select
        coalesce(grid_cells.r_score, cell_counts.r_score) as r_score,
        coalesce(grid_cells.f_score, cell_counts.f_score) as f_score,
        case
            when cell_counts.r_score is null then 'cell missing from the map'
            when grid_cells.r_score is null then 'row outside the grid'
            else 'cell named more than once'
        end as problem
    from grid_cells
    full outer join cell_counts
        on
            grid_cells.r_score = cell_counts.r_score
            and grid_cells.f_score = cell_counts.f_score
    where
        cell_counts.r_score is null
        or grid_cells.r_score is null
        or cell_counts.rows_for_cell <> 1

    union all

    select
        segment_map.r_score,
        segment_map.f_score,
        'segment not in segment_definitions' as problem
    from segment_map
    left join definitions
        on segment_map.segment = definitions.segment
    where definitions.segment is null
)

select * from problems
