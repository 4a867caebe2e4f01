{#-
    RFM: recency, frequency and monetary scores, named from an R x F grid.

    Scores (purchasers only: purchase_days > 0), each 1..bins by ntile over
    all purchasers in the same query, ties broken by contact_id so a rerun on
    the same data gives the same scores:
      r_score  days_since_last_purchase, reversed: the most recent purchasers
               get the highest score (ordered by days desc, then contact_id)
      f_score  purchase_days (distinct purchase days), ascending
      m_score  net_revenue, ascending
    Contacts with equal values can land in neighbouring bins (ntile splits a
    tie by contact_id); this is the usual quintile convention.

    Segment: the name of the (r_score, f_score) cell in the grid seed (default
    seeds/segments/rfm_segment_map.csv, the widely replicated 5 x 5 grid;
    m_score is reported but does not change the name). Non-purchasers get
    'no_purchase' with null scores. A cell missing from the seed yields a null
    segment, which the not_null test on seg_rfm reports; the singular test
    tests/assert_rfm_segment_map_is_partition.sql proves the seed covers
    every cell exactly once.

    Unlike the other segment macros this one returns a whole select (the
    scores feed a join to the grid seed) over `relation`, a CTE or relation
    holding the fact columns; every fact column is passed through.

    Args (default from the var of the same role):
      relation     the facts CTE / relation to read (required)
      bins         var rfm_bins (5), 2..9 (so rfm_cell stays three digits)
      segment_map  var rfm_segment_map ('rfm_segment_map'), the grid seed name.
                   The default seed is drawn for 5 bins: any other number of
                   bins stops the build unless you name your own seed.
-#}
{% macro segment_rfm(relation, bins=none, segment_map=none) %}
    {%- set bins = bins if bins is not none else config_int('rfm_bins', 5, 2, 9) -%}
    {%- set is_purchaser = 'purchase_days > 0' -%}
    {%- set purchaser_group = 'case when ' ~ is_purchaser ~ ' then 1 else 0 end' -%}
    {%- set scores = {
        'r_score': 'days_since_last_purchase desc',
        'f_score': 'purchase_days',
        'm_score': 'net_revenue',
    } -%}
    select
        scored.*,
        {{ dbt.concat([
            "cast(scored.r_score as " ~ dbt.type_string() ~ ")",
            "cast(scored.f_score as " ~ dbt.type_string() ~ ")",
            "cast(scored.m_score as " ~ dbt.type_string() ~ ")",
        ]) }} as rfm_cell,
        case
            when scored.r_score is null then 'no_purchase'
            else segment_map.segment
        end as segment,
        case
            when scored.r_score is null then 'purchase_days=0'
            else {{ dbt.concat([
                "'r='", "cast(scored.r_score as " ~ dbt.type_string() ~ ")",
                "',f='", "cast(scored.f_score as " ~ dbt.type_string() ~ ")",
            ]) }}
        end as segment_reason
    from (
        select
            {{ relation }}.*,
            {%- for score, order_by in scores.items() %}
            cast(
                case
                    when {{ is_purchaser }}
                        then ntile({{ bins }}) over (
                            partition by {{ purchaser_group }}
                            order by {{ order_by }}, contact_id
                        )
                end as {{ dbt.type_int() }}
            ) as {{ score }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ relation }}
    ) as scored
    left join {{ rfm_segment_map_relation(bins, segment_map) }} as segment_map
        on
            scored.r_score = segment_map.r_score
            and scored.f_score = segment_map.f_score
{%- endmacro %}


{#- The name of the grid seed: var rfm_segment_map, checked. -#}
{% macro rfm_segment_map_name() %}
    {%- set segment_map = var('rfm_segment_map', 'rfm_segment_map') -%}
    {%- if segment_map is not string or not modules.re.fullmatch('[a-z0-9_]+', segment_map) -%}
        {{ config_error('rfm_segment_map', segment_map,
            "the name of a seed (lower-case letters, digits, underscore)") }}
    {%- endif -%}
    {{ return(segment_map) }}
{% endmacro %}


{#- The grid seed named by segment_map (default: var rfm_segment_map), checked
    against the number of bins. Also used by the seed's partition test. -#}
{% macro rfm_segment_map_relation(bins=none, segment_map=none) %}
    {%- set bins = bins if bins is not none else config_int('rfm_bins', 5, 2, 9) -%}
    {%- set segment_map = segment_map if segment_map is not none else rfm_segment_map_name() -%}
    {%- if segment_map is not string or not modules.re.fullmatch('[a-z0-9_]+', segment_map) -%}
        {{ config_error('rfm_segment_map', segment_map,
            "the name of a seed (lower-case letters, digits, underscore)") }}
    {%- endif -%}
    {%- if bins != 5 and segment_map == 'rfm_segment_map' -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var 'rfm_bins': got " ~ bins ~ ". The default grid seed rfm_segment_map names the 5 x 5 "
            ~ "(R, F) cells only. Add a seed with columns r_score, f_score, segment covering all "
            ~ bins ~ " x " ~ bins ~ " cells and set --vars '{rfm_segment_map: <your seed>}', or keep rfm_bins: 5."
        ) }}
    {%- endif -%}
    {{ return(ref(segment_map)) }}
{%- endmacro %}
