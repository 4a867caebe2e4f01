{#-
    Usage rate: heavy / medium / light / non_user by app events (event
    category 'usage': app sessions, feature use) in one trailing window of
    the facts: usage_events_short / _medium / _long (fact_window_*_days,
    default 7 / 30 / 90 days ending on the as-of date).

    The rules are one rule table (macros/segmentation/_rule_table.sql):
    label, condition, reason sentence and reason_code side by side in
    usage_rate_rules below. First match wins:
      non_user  no app event in the window
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
                20% of 4 users is nobody), and the reason says so ("fixed
                thresholds: only 4 users, fewer than 20")
      method 'fixed': cut points on the event count in the window
        heavy   usage events >= heavy_min_events
        medium  usage events >= medium_min_events
        light   fewer, but at least one
    Fixed cut points are event counts for the chosen window: change them
    with the window.

    Besides segment, segment_reason and reason_code it yields
    usage_rate_method, usage_rate_window, usage_events_in_window,
    usage_user_rank (rank among users, 1 = most, ties share a rank; null for
    non-users) and usage_user_count.

    Args (keyword arguments of segment_usage_rate; each defaults to its var,
    whose default and comment live in dbt_project.yml and whose bounds live
    in macros/segmentation/_rule_parameters.sql):
      method             var usage_rate_method ('quantile'): quantile or fixed
      window             var usage_rate_window ('medium'): short, medium or long
      heavy_share        var usage_heavy_share (0.2), 0..1
      medium_share       var usage_medium_share (0.3), 0..1, heavy + medium <= 1
      heavy_min_events   var usage_heavy_min_events (20), > medium_min_events
      medium_min_events  var usage_medium_min_events (5), >= 1
      min_population     var quantile_min_population (20), >= 1: fewer users =
                         fixed cut points (method quantile)
      short_days, medium_days, long_days
                         vars fact_window_*_days (7, 30, 90): the window's
                         length, named in the reasons
-#}
{% macro usage_rate_parameters() %}
    {{ return({
        'method': 'usage_rate_method',
        'window': 'usage_rate_window',
        'heavy_share': 'usage_heavy_share',
        'medium_share': 'usage_medium_share',
        'heavy_min_events': 'usage_heavy_min_events',
        'medium_min_events': 'usage_medium_min_events',
        'min_population': 'quantile_min_population',
        'short_days': 'fact_window_short_days',
        'medium_days': 'fact_window_medium_days',
        'long_days': 'fact_window_long_days',
    }) }}
{% endmacro %}


{#- SQL of the derived values the rules and the evidence columns share. -#}
{% macro usage_rate_derived(p) %}
    {%- set usage = 'coalesce(usage_events_' ~ p.window ~ ', 0)' -%}
    {%- set user_group = 'case when ' ~ usage ~ ' > 0 then 1 else 0 end' -%}
    {{ return({
        'usage': usage,
        'user_rank': 'rank() over (partition by ' ~ user_group ~ ' order by ' ~ usage ~ ' desc)',
        'user_position': 'cume_dist() over (partition by ' ~ user_group ~ ' order by ' ~ usage ~ ' desc)',
        'user_count': 'sum(' ~ user_group ~ ') over ()',
        'window_days': p[p.window ~ '_days'],
    }) }}
{% endmacro %}


{% macro usage_rate_rules(p) %}
    {%- if p.heavy_share + p.medium_share > 1 -%}
        {{ config_error('usage_medium_share', p.medium_share,
            "a share with usage_heavy_share + usage_medium_share <= 1") }}
    {%- endif -%}
    {%- if p.medium_min_events >= p.heavy_min_events -%}
        {{ config_error('usage_medium_min_events', p.medium_min_events,
            "a count below usage_heavy_min_events (" ~ p.heavy_min_events ~ ")") }}
    {%- endif -%}
    {%- set d = usage_rate_derived(p) -%}
    {%- set events = [reason_count(d.usage, 'app event')] + [' in the last ' ~ d.window_days ~ ' days'] -%}
    {%- set rules = [
        {'label': 'non_user', 'code': 'no_usage', 'when': d.usage ~ ' = 0',
            'rule': 'no app event in the last ' ~ d.window_days ~ ' days',
            'reason': ['no app event in the last ' ~ d.window_days ~ ' days']},
    ] -%}
    {%- set fallback = [] -%}
    {%- if p.method == 'quantile' -%}
        {%- set medium_cumulative_share = (p.heavy_share + p.medium_share) | round(10) -%}
        {%- set is_large = d.user_count ~ ' >= ' ~ p.min_population -%}
        {%- set of_users = [' of ', reason_int(d.user_count), ' users'] -%}
        {%- set heavy_pct = plain_number((100 * p.heavy_share) | round(1)) -%}
        {%- set medium_pct = plain_number((100 * medium_cumulative_share) | round(1)) -%}
        {%- do rules.extend([
            {'label': 'heavy', 'code': 'top_share_heavy',
                'when': is_large ~ ' and ' ~ d.user_position ~ ' <= ' ~ p.heavy_share,
                'rule': 'in the top ' ~ heavy_pct ~ '% of users by app events (at least ' ~ p.min_population
                    ~ ' users; ties share a rank)',
                'reason': events + [', top ', reason_top_percent(d.user_position)] + of_users},
            {'label': 'medium', 'code': 'top_share_medium',
                'when': is_large ~ ' and ' ~ d.user_position ~ ' <= ' ~ medium_cumulative_share,
                'rule': 'in the top ' ~ medium_pct ~ '% of users (but not the top ' ~ heavy_pct ~ '%)',
                'reason': events + [', top ', reason_top_percent(d.user_position)] + of_users},
            {'label': 'light', 'code': 'below_top_share_light', 'when': is_large,
                'rule': 'any other user (at least ' ~ p.min_population ~ ' users)',
                'reason': events + [', below the top ' ~ medium_pct ~ '%'] + of_users},
        ]) -%}
        {%- set fallback = ['; fixed thresholds: only ', reason_int(d.user_count),
            ' users, fewer than ' ~ p.min_population] -%}
    {%- endif -%}
    {%- set prefix = 'fewer than ' ~ p.min_population ~ ' users: ' if p.method == 'quantile' else '' -%}
    {%- do rules.extend([
        {'label': 'heavy', 'code': 'heavy_fixed_events', 'when': d.usage ~ ' >= ' ~ p.heavy_min_events,
            'rule': prefix ~ 'at least ' ~ p.heavy_min_events ~ ' app events in the last ' ~ d.window_days ~ ' days',
            'reason': events + [', at least ' ~ p.heavy_min_events] + fallback},
        {'label': 'medium', 'code': 'medium_fixed_events', 'when': d.usage ~ ' >= ' ~ p.medium_min_events,
            'rule': prefix ~ 'at least ' ~ p.medium_min_events ~ ' app events',
            'reason': events + [', at least ' ~ p.medium_min_events] + fallback},
        {'label': 'light', 'code': 'light_fixed_events', 'when': 'true',
            'rule': prefix ~ 'at least one app event, fewer than ' ~ p.medium_min_events,
            'reason': events + [', fewer than ' ~ p.medium_min_events] + fallback},
    ]) -%}
    {{ return(rules) }}
{% endmacro %}


{% macro segment_usage_rate() %}
    {%- set p = rule_parameters('usage_rate', kwargs) -%}
    {%- set d = usage_rate_derived(p) -%}
    '{{ p.method }}' as usage_rate_method,
    '{{ p.window }}' as usage_rate_window,
    {{ d.usage }} as usage_events_in_window,
    case when {{ d.usage }} > 0 then {{ d.user_rank }} end as usage_user_rank,
    {{ d.user_count }} as usage_user_count,
    {{ rule_table(usage_rate_rules(p)) }}
{%- endmacro %}
