{#-
    Local time. Every raw timestamp is UTC (the raw-data contract); weekday,
    hour and holiday date of a purchase are read in the buyer's time zone,
    the daily rollup and the as-of cut in the reporting time zone.

    local_timestamp(utc_expr, zone_expr)
        the wall-clock time (a timestamp without zone) in the IANA zone
        zone_expr (an SQL expression: a column or a quoted literal) of the
        UTC timestamp utc_expr. Daylight saving time follows the engine's
        tz database (DuckDB ICU, PostgreSQL, Spark/Java).
    reporting_time_zone()
        the var reporting_time_zone (default UTC), checked at compile time:
        a name of the seed seeds/reference/iana_time_zones.csv
        (scripts/generate_time_zones.py), else the build stops with a
        message naming the var.
    reporting_date(utc_expr)
        the date of utc_expr in the reporting time zone (a plain cast with
        the default UTC).
-#}
{% macro local_timestamp(utc_expr, zone_expr) -%}
    {{ return(adapter.dispatch('local_timestamp', 'behavioral_segmentation')(utc_expr, zone_expr)) }}
{%- endmacro %}

{% macro default__local_timestamp(utc_expr, zone_expr) -%}
    ((cast({{ utc_expr }} as timestamp) at time zone 'UTC') at time zone {{ zone_expr }})
{%- endmacro %}

{% macro duckdb__local_timestamp(utc_expr, zone_expr) -%}
    timezone({{ zone_expr }}, cast({{ utc_expr }} as timestamp) at time zone 'UTC')
{%- endmacro %}

{% macro spark__local_timestamp(utc_expr, zone_expr) -%}
    from_utc_timestamp(cast({{ utc_expr }} as timestamp), {{ zone_expr }})
{%- endmacro %}


{#- The IANA names of the seed iana_time_zones, as loaded; none while
    parsing, in a unit test, or before the seed is loaded. -#}
{% macro known_time_zones() %}
    {%- set rows = seed_rows('iana_time_zones') -%}
    {%- if rows is none -%}{{ return(none) }}{%- endif -%}
    {%- set names = [] -%}
    {%- for row in rows[1:] -%}
        {%- do names.append(fromjson(row)[0]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{% macro reporting_time_zone() %}
    {%- set name = 'reporting_time_zone' -%}
    {%- set value = var(name, 'UTC') -%}
    {%- set expected = "an IANA time zone name from seeds/reference/iana_time_zones.csv, for example UTC or America/New_York" -%}
    {%- if value is not string or not modules.re.fullmatch('[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}', value) -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- if value != 'UTC' -%}
        {%- set known = known_time_zones() -%}
        {%- if known is not none and value not in known -%}
            {{ config_error(name, value, expected) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro reporting_date(utc_expr) -%}
    {%- set zone = reporting_time_zone() -%}
    {%- if zone == 'UTC' -%}
        cast({{ utc_expr }} as date)
    {%- else -%}
        cast({{ local_timestamp(utc_expr, "'" ~ zone ~ "'") }} as date)
    {%- endif -%}
{%- endmacro %}


{#- The hour (0-23) of a timestamp, as an integer. -#}
{% macro hour_of(expr) -%}
    {{ return(adapter.dispatch('hour_of', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__hour_of(expr) -%}
    cast(extract(hour from {{ expr }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__hour_of(expr) -%}
    hour({{ expr }})
{%- endmacro %}
