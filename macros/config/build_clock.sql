{#-
    The wall clock of the build, used for one thing only: a row dated after
    the build started (dbt's run_started_at, UTC, plus one day of slack for
    time zones and clock skew) cannot be real, so staging quarantines it as
    future_timestamp (a typo such as 2031 for 2026 would otherwise move the
    default as-of date years ahead and churn every buyer). This is the only
    way a build depends on when it runs, and only for rows dated in the
    future: the as-of date (macros/config/as_of_date.sql) is still the var
    or the latest staged date, and an as_of_date in the past still leaves
    rows after it staged but out of the facts (point in time).

    run_started_at is rendered at compile time as a timestamp literal, so
    the SQL is the same on DuckDB, PostgreSQL and Spark (no now() in SQL).
-#}

{% macro build_started_at_literal() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro is_future_timestamp(expr) -%}
    {#- True when a parsed timestamp lies more than one day after the build started. -#}
    ({{ expr }} > {{ dbt.dateadd('day', 1, build_started_at_literal()) }})
{%- endmacro %}
