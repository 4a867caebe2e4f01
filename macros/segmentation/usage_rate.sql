{#-
    Usage rate: heavy / medium / light / non_user by usage events (app
    sessions, feature use: event category 'usage') in one trailing window of
    the facts: usage_events_short / _medium / _long (fact_window_*_days,
    default 7 / 30 / 90 days ending on the as-of date).

    Rule (first match wins):
      non_user  no usage event in the window
      method 'quantile' (default), with at least min_population users
                (usage > 0) in the build: each user's position is cume_dist
                over the users ordered by usage events desc, i.e. the share
                of users with at least as many events as the contact (ties
                share it, so equal counts always get the same label; nothing
                is broken by contact_id)
        heavy   position <= heavy_share                 (top 20%)
        medium  position <= heavy_share + medium_share  (next 30%)
        light   the rest of the users
                A tie group is in a share only if the whole group fits in it
                (it takes the lower label otherwise). cume_dist exists on
                DuckDB, PostgreSQL and Spark; ntile / row_number are not used.
      method 'quantile' with fewer than min_population users: the fixed cut
                points below (with few users a share says little: the top
                20% of 4 users is nobody), and the reason ends with
                ';fixed_thresholds:population_<users><<min_population>'
      method 'fixed': cut points on the event count in the window
        heavy   usage events >= heavy_min_events
        medium  usage events >= medium_min_events
        light   fewer, but at least one
    Fixed cut points are event counts for the chosen window: change them
    with the window.

    Besides segment and segment_reason it yields usage_rate_method,
    usage_rate_window, usage_events_in_window, usage_user_rank (rank among
    users, 1 = most, ties share a rank; null for non-users) and
    usage_user_count.

    Args (default from the var of the same role; checked at compile time):
      method             var usage_rate_method ('quantile'): quantile or fixed
      window             var usage_rate_window ('medium'): short, medium or long
      heavy_share        var usage_heavy_share (0.2), 0..1
      medium_share       var usage_medium_share (0.3), 0..1, heavy + medium <= 1
      heavy_min_events   var usage_heavy_min_events (20), > medium_min_events
      medium_min_events  var usage_medium_min_events (5), >= 1
      min_population     var quantile_min_population (20), >= 1: fewer users =
                         fixed cut points (method quantile)
-#}
{% macro segment_usage_rate(
    method=none,
    window=none,
    heavy_share=none,
    medium_share=none,
    heavy_min_events=none,
    medium_min_events=none,
    min_population=none
) %}
    {%- set method = method if method is not none else var('usage_rate_method', 'quantile') -%}
    {%- if method not in ['quantile', 'fixed'] -%}
        {{ config_error('usage_rate_method', method, "quantile or fixed") }}
    {%- endif -%}
    {%- set window = window if window is not none else var('usage_rate_window', 'medium') -%}
    {%- if window not in ['short', 'medium', 'long'] -%}
        {{ config_error('usage_rate_window', window, "short, medium or long (the fact windows)") }}
    {%- endif -%}
    {%- set heavy_share = heavy_share if heavy_share is not none
        else config_number('usage_heavy_share', 0.2, 0, 1) -%}
    {%- set medium_share = medium_share if medium_share is not none
        else config_number('usage_medium_share', 0.3, 0, 1) -%}
    {%- if heavy_share + medium_share > 1 -%}
        {{ config_error('usage_medium_share', medium_share,
            "a share with usage_heavy_share + usage_medium_share <= 1") }}
    {%- endif -%}
    {%- set heavy_min_events = heavy_min_events if heavy_min_events is not none
        else config_int('usage_heavy_min_events', 20, 2) -%}
    {%- set medium_min_events = medium_min_events if medium_min_events is not none
        else config_int('usage_medium_min_events', 5, 1) -%}
    {%- if medium_min_events >= heavy_min_events -%}
        {{ config_error('usage_medium_min_events', medium_min_events,
            "a count below usage_heavy_min_events (" ~ heavy_min_events ~ ")") }}
    {%- endif -%}

    {%- set min_population = min_population if min_population is not none
        else config_int('quantile_min_population', 20, 1) -%}

    {%- set usage = 'coalesce(usage_events_' ~ window ~ ', 0)' -%}
    {%- set user_group = 'case when ' ~ usage ~ ' > 0 then 1 else 0 end' -%}
    {%- set user_rank -%}
        rank() over (partition by {{ user_group }} order by {{ usage }} desc)
    {%- endset -%}
    {%- set user_position -%}
        cume_dist() over (partition by {{ user_group }} order by {{ usage }} desc)
    {%- endset -%}
    {%- set user_count = 'sum(' ~ user_group ~ ') over ()' -%}
    {#- rules: (label, condition, reason as SQL) -#}
    {%- set fixed_rules = [
        ('heavy', usage ~ ' >= ' ~ heavy_min_events, 'usage_events_' ~ window ~ '>=' ~ heavy_min_events),
        ('medium', usage ~ ' >= ' ~ medium_min_events, 'usage_events_' ~ window ~ '>=' ~ medium_min_events),
        ('light', 'true', 'usage_events_' ~ window ~ '<' ~ medium_min_events),
    ] -%}
    {%- set rules = [] -%}
    {%- if method == 'quantile' -%}
        {%- set medium_cumulative_share = (heavy_share + medium_share) | round(10) -%}
        {%- set is_large = user_count ~ ' >= ' ~ min_population -%}
        {%- do rules.extend([
            ('heavy', is_large ~ ' and ' ~ user_position ~ ' <= ' ~ heavy_share,
                "'top_" ~ heavy_share ~ "_of_users'"),
            ('medium', is_large ~ ' and ' ~ user_position ~ ' <= ' ~ medium_cumulative_share,
                "'top_" ~ medium_cumulative_share ~ "_of_users'"),
            ('light', is_large, "'below_top_" ~ medium_cumulative_share ~ "_of_users'"),
        ]) -%}
        {%- for label, condition, reason in fixed_rules -%}
            {%- do rules.append((label, condition,
                dbt.concat(["'" ~ reason ~ "'", fixed_thresholds_reason(user_count, min_population)]))) -%}
        {%- endfor -%}
    {%- else -%}
        {%- for label, condition, reason in fixed_rules -%}
            {%- do rules.append((label, condition, "'" ~ reason ~ "'")) -%}
        {%- endfor -%}
    {%- endif -%}

    '{{ method }}' as usage_rate_method,
    '{{ window }}' as usage_rate_window,
    {{ usage }} as usage_events_in_window,
    case when {{ usage }} > 0 then {{ user_rank }} end as usage_user_rank,
    {{ user_count }} as usage_user_count,
    case
        when {{ usage }} = 0 then 'non_user'
        {%- for label, condition, reason in rules %}
        when {{ condition }} then '{{ label }}'
        {%- endfor %}
    end as segment,
    case
        when {{ usage }} = 0 then 'usage_events_{{ window }}=0'
        {%- for label, condition, reason in rules %}
        when {{ condition }} then {{ reason }}
        {%- endfor %}
    end as segment_reason
{%- endmacro %}
