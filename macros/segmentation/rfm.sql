{#-
    RFM: recency, frequency and monetary scores, named from an R x F grid.

    Scores (purchasers only: purchase_days > 0), each 1..bins. Identical
    inputs always get identical scores: nothing is broken by contact_id.

    Quantile method (at least min_population purchasers in the build): each
    score is placed on the distribution of the value over all purchasers in
    the same query with percent_rank (share of the other purchasers with a
    strictly lower value, 0..1; ties share it, and so share the score):
        score = least(bins, 1 + floor(bins * percent_rank))
      r_score  days_since_last_purchase, reversed (ordered by days desc): the
               most recent purchasers get the highest score
      f_score  purchase_days (distinct purchase days), ascending
      m_score  net_revenue, ascending
    A tie group gets the score of the position where it starts (the lower
    one); with distinct values this is the usual quintile split (25
    purchasers: 5 per score). percent_rank exists on DuckDB, PostgreSQL and
    Spark; ntile and row_number are not used (they split ties).

    Fixed thresholds (fewer than min_population purchasers, where quantiles
    say little and a tie of two is already 40% of the shop): cut points, each
    a list of bins - 1 ascending numbers; the reason then says so ('fixed
    thresholds: 4 buyers, fewer than 20') and the reason_code is
    scored_by_fixed_thresholds[_overdue].
      r_score  bins minus the number of recency_days cut points <= days since
               the last purchase (defaults [30, 90, 180, 365]: 5 within 30
               days, 4 within 90, 3 within 180, 2 within 365, 1 after)
      f_score  1 + the number of frequency_days cut points <= purchase_days
               (defaults [2, 3, 4, 6]: 1 day = 1, 2 = 2, 3 = 3, 4-5 = 4, 6+ = 5)
      m_score  1 + the number of monetary cut points <= net_revenue
               (defaults [100, 250, 500, 1000], in the order currency)

    Recency and the purchase rhythm: R is placed on days_since_last_purchase
    as above, and then capped at overdue_max_r_score (default 2, the "long
    ago" rows of the grid) for a buyer who is overdue against their own
    rhythm (days_since_last_purchase > purchase_overdue_after_days: the
    shared rhythm of macros/segmentation/_purchase_rhythm.sql, the same test
    as loyalty at_risk and user status ex_user). Days alone cannot judge a
    buyer's recency: 40 days is recent for a quarterly buyer and long overdue
    for a weekly one, and a quantile rank says "recent" for the most recent
    fifth even when they are all far overdue. Capping keeps the well-known
    percentile scores for everyone on rhythm, and makes RFM agree with the
    other types: an overdue buyer can only be hibernating, at_risk or
    cant_lose_them, never champion, loyal or new_customer. The reason names
    the rhythm ("overdue (buys every 7 days on average), so recency is at
    most 2") and the reason_code ends in _overdue. A buyer on rhythm is not
    raised: a buyer on a 150-day rhythm last seen 100 days ago keeps the R
    the shop's distribution gives.

    Repeat buyers (purchase_days >= 2) get f_score at least 2, so the F = 1
    cells (new_customer, promising: "bought for the first time") hold
    one-time buyers only.

    One-time buyers (purchase_days = 1) always get f_score 1, by either
    method (explicit rule; it is also the lowest percent_rank and below the
    first frequency cut point, which must be >= 2), so the grid can only name
    them with an F = 1 cell (hibernating, about_to_sleep, promising,
    new_customer), never a cell that means repeat buying (at_risk, loyal,
    champion, cant_lose_them).

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

    The label, reason sentence and reason_code come from one rule table
    (rfm_rules below; the label of a scored buyer is the grid cell's name):
    "recency 4, frequency 3 of 5: last purchase 40 days ago, 3 purchase
    days, 210.00 net", plus the overdue and fixed-threshold clauses.

    Args (relation: the facts CTE / relation to read, required; the others
    are keyword arguments, each defaulting to its var, default and comment in
    dbt_project.yml, bounds in _rule_parameters.sql):
      bins            var rfm_bins (5), 2..9 (so rfm_cell stays three digits)
      segment_map     var rfm_segment_map ('rfm_segment_map'), the grid seed name.
                      The default seed is drawn for 5 bins: any other number of
                      bins stops the build unless you name your own seed.
      min_population  var quantile_min_population (20), >= 1: fewer purchasers
                      = fixed thresholds
      recency_days    var rfm_fixed_recency_days ([30, 90, 180, 365]), bins - 1 whole numbers >= 1
      frequency_days  var rfm_fixed_frequency_days ([2, 3, 4, 6]), bins - 1 whole numbers >= 2
      monetary        var rfm_fixed_monetary ([100, 250, 500, 1000]), bins - 1 numbers >= 0
      overdue_max_r_score  var rfm_overdue_max_r_score (2), 1..bins
      default_gap_days, overdue_multiplier, overdue_min_days  the rhythm (applied by the facts)
-#}
{% macro rfm_parameters() %}
    {%- set names = rhythm_parameters() -%}
    {%- do names.update({
        'bins': 'rfm_bins',
        'segment_map': 'rfm_segment_map',
        'min_population': 'quantile_min_population',
        'recency_days': 'rfm_fixed_recency_days',
        'frequency_days': 'rfm_fixed_frequency_days',
        'monetary': 'rfm_fixed_monetary',
        'overdue_max_r_score': 'rfm_overdue_max_r_score',
    }) -%}
    {{ return(names) }}
{% endmacro %}


{#- The rules over the scored purchasers (alias `scored`) joined to the grid
    (alias `segment_map`). -#}
{% macro rfm_rules(p) %}
    {%- if p.overdue_max_r_score > p.bins -%}
        {{ config_error('rfm_overdue_max_r_score', p.overdue_max_r_score,
            "a score from 1 to rfm_bins (" ~ p.bins ~ ")") }}
    {%- endif -%}
    {%- set fixed = 'scored.rfm_purchaser_count < ' ~ p.min_population -%}
    {%- set overdue = rhythm_is_overdue('scored.') -%}
    {%- set scores = [
        'recency ', reason_int('scored.r_score'), ', frequency ', reason_int('scored.f_score'),
        ' of ' ~ p.bins ~ ': last purchase ', reason_int('scored.days_since_last_purchase'), ' days ago, ',
        reason_count('scored.purchase_days', 'purchase day', 'purchase days'), ', ',
        reason_decimal('scored.net_revenue'), ' net',
    ] -%}
    {%- set overdue_words = ['; overdue ('] + rhythm_reason('scored.')
        + ['), so recency is at most ' ~ p.overdue_max_r_score] -%}
    {%- set fixed_words = ['; fixed thresholds: only ', reason_int('scored.rfm_purchaser_count'),
        ' buyers, fewer than ' ~ p.min_population] -%}
    {%- set cell = 'the (R, F) cell of the grid seed ' ~ p.segment_map -%}
    {%- set by_quantiles = 'R, F, M by percent_rank over at least ' ~ p.min_population ~ ' purchasers' -%}
    {%- set by_fixed = 'R, F, M by the fixed cut points (fewer than ' ~ p.min_population ~ ' purchasers: R within '
        ~ p.recency_days | join(' / ') ~ ' days, F ' ~ p.frequency_days | join(' / ') ~ ' purchase days, M '
        ~ p.monetary | join(' / ') ~ ')' -%}
    {%- set capped = '; R at most ' ~ p.overdue_max_r_score ~ ' when overdue: ' ~ rhythm_overdue_words(p) -%}
    {{ return([
        {'label': 'no_purchase', 'when': 'scored.r_score is null', 'code': 'no_purchase',
            'rule': 'no purchase day',
            'reason': ['no purchase yet']},
        {'label_sql': 'segment_map.segment', 'label_doc': 'grid cell',
            'when': fixed ~ ' and ' ~ overdue, 'code': 'scored_by_fixed_thresholds_overdue',
            'rule': cell ~ '; ' ~ by_fixed ~ capped,
            'reason': scores + overdue_words + fixed_words},
        {'label_sql': 'segment_map.segment', 'label_doc': 'grid cell',
            'when': fixed, 'code': 'scored_by_fixed_thresholds',
            'rule': cell ~ '; ' ~ by_fixed,
            'reason': scores + fixed_words},
        {'label_sql': 'segment_map.segment', 'label_doc': 'grid cell',
            'when': overdue, 'code': 'scored_by_quantiles_overdue',
            'rule': cell ~ '; ' ~ by_quantiles ~ capped,
            'reason': scores + overdue_words},
        {'label_sql': 'segment_map.segment', 'label_doc': 'grid cell',
            'when': 'true', 'code': 'scored_by_quantiles',
            'rule': cell ~ '; ' ~ by_quantiles,
            'reason': scores},
    ]) }}
{% endmacro %}


{% macro segment_rfm(relation) %}
    {%- set p = rule_parameters('rfm', kwargs) -%}
    {%- set bins = p.bins -%}
    {%- set min_population = p.min_population -%}
    {%- set is_purchaser = 'purchase_days > 0' -%}
    {%- set purchaser_group = 'case when ' ~ is_purchaser ~ ' then 1 else 0 end' -%}
    {#- score: (percent_rank order, fixed score expression) -#}
    {%- set ns = namespace(r='', f='', m='') -%}
    {%- for cut in p.recency_days -%}
        {%- set ns.r = ns.r ~ ' - case when days_since_last_purchase >= ' ~ cut ~ ' then 1 else 0 end' -%}
    {%- endfor -%}
    {%- for cut in p.frequency_days -%}
        {%- set ns.f = ns.f ~ ' + case when purchase_days >= ' ~ cut ~ ' then 1 else 0 end' -%}
    {%- endfor -%}
    {%- for cut in p.monetary -%}
        {%- set ns.m = ns.m ~ ' + case when net_revenue >= ' ~ plain_number(cut) ~ ' then 1 else 0 end' -%}
    {%- endfor -%}
    {%- set scores = {
        'r_score': ('days_since_last_purchase desc', bins ~ ns.r),
        'f_score': ('purchase_days', '1' ~ ns.f),
        'm_score': ('net_revenue', '1' ~ ns.m),
    } -%}
    select
        scored.*,
        {{ dbt.concat([
            "cast(scored.r_score as " ~ dbt.type_string() ~ ")",
            "cast(scored.f_score as " ~ dbt.type_string() ~ ")",
            "cast(scored.m_score as " ~ dbt.type_string() ~ ")",
        ]) }} as rfm_cell,
        {{ rule_table(rfm_rules(p)) }}
    from (
        select
            ranked.*,
            {%- for score, (order_by, fixed) in scores.items() %}
            {%- set placed -%}
                case
                    when rfm_purchaser_count < {{ min_population }} then {{ fixed }}
                    else least({{ bins }}, 1 + floor({{ bins }} * ranked.{{ score }}_position + 1e-9))
                end
            {%- endset %}
            cast(
                case
                    when not ({{ is_purchaser }}) then null
                    {%- if score == 'f_score' %}
                    when purchase_days = 1 then 1
                    else greatest(2, {{ placed }})
                    {%- elif score == 'r_score' %}
                    when {{ rhythm_is_overdue() }} then least({{ p.overdue_max_r_score }}, {{ placed }})
                    else {{ placed }}
                    {%- else %}
                    else {{ placed }}
                    {%- endif %}
                end as {{ dbt.type_int() }}
            ) as {{ score }}{{ ',' if not loop.last }}
            {%- endfor %}
        from (
            select
                {{ relation }}.*,
                sum({{ purchaser_group }}) over () as rfm_purchaser_count,
                {%- for score, (order_by, fixed) in scores.items() %}
                percent_rank() over (
                    partition by {{ purchaser_group }}
                    order by {{ order_by }}
                ) as {{ score }}_position{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ relation }}
        ) as ranked
    ) as scored
    left join {{ rfm_segment_map_relation(bins, p.segment_map) }} as segment_map
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
