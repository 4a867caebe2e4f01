{#-
    The holiday calendar of the occasion segment, generated for every year
    from rules (no year cutoff), overridable by a seed.

    Rules: the var occasion_calendar_rules (dbt_project.yml), a list of
    windows, one per occasion and year. Each rule names its anchor day and
    the window around it (inclusive):
      occasion      a code ([a-z0-9_]+), unique in the list
      month         1..12
      day           a fixed day of the month (Valentine's: February 14), or
      weekday, nth  the nth weekday of the month (monday .. sunday; nth 1..4,
                    or -1 for the last): Mother's Day (US) = 2nd Sunday of
                    May, Labor Day = 1st Monday of September, Thanksgiving =
                    4th Thursday of November
      days_before   days of the window before the anchor (default 0)
      days_after    days of the window after the anchor (default 0)
    The default (dbt_project.yml) is five short windows, 44 days a year (12%):
      valentines_day             Feb 7 - Feb 14
      mothers_day                the 6 days before Mother's Day (2nd Sunday of May) and the day
      back_to_school             the 9 days before Labor Day (1st Monday of September) and the day
      black_friday_cyber_monday  Thanksgiving (4th Thursday of November) to Cyber Monday (+4 days)
      christmas                  Dec 11 - Dec 24 (the last two weeks of gift buying)
    (the old seed marked 81 days a year: all of Dec 1-24 and Aug 1 - Sep 7,
    and ended in 2028).

    Years: every year a staged timestamp can have, the years of the vars
    plausible_timestamp_min .. plausible_timestamp_max (1970 .. 2099 by
    default; a row outside that range is quarantined, so the calendar covers
    every date of the data), computed at compile time in Jinja (the same
    date literals on every engine).

    Override: seeds/reference/occasion_calendar.csv (occasion, start_date,
    end_date). Its rows are windows too: for each occasion and year (of
    start_date) the seed holds, they replace the generated windows of that
    occasion in that year; an occasion the rules do not know adds windows.
    To drop an occasion, remove its rule from the var.

    The same rules are computed in Python by segkit/occasion_calendar.py
    (the sample generator plants holiday shoppers in these windows); a test
    compares the two.
-#}

{% macro occasion_calendar_weekdays() %}
    {{ return(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) }}
{% endmacro %}


{#- The validated rules of the var occasion_calendar_rules. -#}
{% macro occasion_calendar_rules() %}
    {%- set name = 'occasion_calendar_rules' -%}
    {%- set rules = var(name, none) -%}
    {%- set expected = "a non-empty list of windows such as {occasion: mothers_day, month: 5, weekday: sunday, nth: 2, days_before: 6} "
        ~ "or {occasion: christmas, month: 12, day: 24, days_before: 13}: occasion a lower-case code used once, month 1-12, "
        ~ "either day 1-31 or weekday (monday..sunday) with nth 1-4 or -1 (last), days_before and days_after 0-60" -%}
    {%- if rules is string or rules is mapping or rules is none or (rules | length) == 0 -%}
        {{ config_error(name, rules, expected) }}
    {%- endif -%}
    {%- set seen = [] -%}
    {%- set cleaned = [] -%}
    {%- for rule in rules -%}
        {%- if rule is not mapping -%}{{ config_error(name, rule, expected) }}{%- endif -%}
        {%- for key in rule -%}
            {%- if key not in ['occasion', 'month', 'day', 'weekday', 'nth', 'days_before', 'days_after'] -%}
                {{ config_error(name, rule, expected ~ " (unknown key " ~ key ~ ")") }}
            {%- endif -%}
        {%- endfor -%}
        {%- set occasion = rule.get('occasion') -%}
        {%- if occasion is not string or not modules.re.fullmatch('[a-z0-9_]+', occasion) or occasion in seen -%}
            {{ config_error(name, rule, expected) }}
        {%- endif -%}
        {%- do seen.append(occasion) -%}
        {%- set ns = namespace(ok=true) -%}
        {%- for key, low, high in [('month', 1, 12), ('day', 1, 31), ('nth', -1, 4), ('days_before', 0, 60), ('days_after', 0, 60)] -%}
            {%- set value = rule.get(key) -%}
            {%- if value is not none and (value is boolean or value is not number or value != value | int
                or value < low or value > high or (key == 'nth' and value == 0)) -%}
                {%- set ns.ok = false -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set fixed = rule.get('day') is not none -%}
        {%- set nth_weekday = rule.get('weekday') is not none or rule.get('nth') is not none -%}
        {%- if rule.get('month') is none or fixed == nth_weekday
            or (nth_weekday and (rule.get('weekday') not in occasion_calendar_weekdays() or rule.get('nth') is none)) -%}
            {%- set ns.ok = false -%}
        {%- endif -%}
        {%- if not ns.ok -%}{{ config_error(name, rule, expected) }}{%- endif -%}
        {%- do cleaned.append({
            'occasion': occasion, 'month': rule['month'] | int,
            'day': rule.get('day') | int if fixed else none,
            'weekday': rule.get('weekday'), 'nth': rule.get('nth') | int if nth_weekday else none,
            'days_before': rule.get('days_before', 0) | int, 'days_after': rule.get('days_after', 0) | int,
        }) -%}
    {%- endfor -%}
    {{ return(cleaned) }}
{% endmacro %}


{#- The anchor date of one rule in one year (a Python date). -#}
{% macro occasion_anchor_date(rule, year) %}
    {%- set date = modules.datetime.date -%}
    {%- set one_day = modules.datetime.timedelta(days=1) -%}
    {%- if rule['day'] is not none -%}
        {#- a fixed day that a month lacks (February 30) is the month's last day -#}
        {%- set ns = namespace(day=rule['day']) -%}
        {%- for _ in range(4) -%}
            {%- if ns.day > 28 and (date(year, rule['month'], 28) + modules.datetime.timedelta(days=ns.day - 28)).month != rule['month'] -%}
                {%- set ns.day = ns.day - 1 -%}
            {%- endif -%}
        {%- endfor -%}
        {{ return(date(year, rule['month'], ns.day)) }}
    {%- endif -%}
    {%- set weekday = occasion_calendar_weekdays().index(rule['weekday']) -%}
    {%- if rule['nth'] > 0 -%}
        {%- set first = date(year, rule['month'], 1) -%}
        {{ return(first + modules.datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (rule['nth'] - 1))) }}
    {%- endif -%}
    {%- set next_month = date(year + 1, 1, 1) if rule['month'] == 12 else date(year, rule['month'] + 1, 1) -%}
    {%- set last = next_month - one_day -%}
    {{ return(last - modules.datetime.timedelta(days=(last.weekday() - weekday) % 7)) }}
{% endmacro %}


{#- The years the calendar is generated for: those of the plausible range. -#}
{% macro occasion_calendar_years() %}
    {%- set first = parse_iso_date('plausible_timestamp_min', var('plausible_timestamp_min'))[:4] | int -%}
    {%- set last = parse_iso_date('plausible_timestamp_max', var('plausible_timestamp_max'))[:4] | int -%}
    {{ return(range(first, last + 1) | list) }}
{% endmacro %}


{#- The generated windows: a list of {occasion, year, start_date, end_date} (ISO text). -#}
{% macro occasion_calendar_windows(years=none) %}
    {%- set windows = [] -%}
    {%- for year in (years if years is not none else occasion_calendar_years()) -%}
        {%- for rule in occasion_calendar_rules() -%}
            {%- set anchor = occasion_anchor_date(rule, year) -%}
            {%- do windows.append({
                'occasion': rule['occasion'], 'year': year,
                'start_date': (anchor - modules.datetime.timedelta(days=rule['days_before'])).isoformat(),
                'end_date': (anchor + modules.datetime.timedelta(days=rule['days_after'])).isoformat(),
            }) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(windows) }}
{% endmacro %}


{#- SQL: the generated windows as a select (occasion, start_date, end_date). -#}
{% macro occasion_calendar_generated_sql() %}
    {%- set windows = occasion_calendar_windows() -%}
    select
        cast(occasion as {{ dbt.type_string() }}) as occasion,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date
    from (
        values
        {%- for w in windows %}
            ('{{ w.occasion }}', '{{ w.start_date }}', '{{ w.end_date }}'){{ "," if not loop.last }}
        {%- endfor %}
    ) as generated (occasion, start_date, end_date)
{% endmacro %}
