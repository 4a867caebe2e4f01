{#-
    `dbt source freshness` for the raw tables (models/staging/raw/_raw__sources.yml).

    The raw columns are text, so a column name cannot be the loaded_at_field:
    max() of text is the alphabetically last value ('not-a-date' beats any
    date). Each raw table instead has a loaded_at_query (rendered when the
    check runs, so project macros work there) that parses its timestamp
    column exactly as staging does (clean_text, try_cast_timestamp) and
    ignores unparseable and implausible values (outside the vars
    plausible_timestamp_min / _max) and future ones (more than a day after the
    check started: future_timestamp), so one row dated 9999-12-31 or 2031
    cannot make a stale table look fresh. On DuckDB with raw_data_path it reads the file
    staging reads (raw_freshness_rows in raw_input.sql).

    dbt compares the result with the current time: freshness is about when
    data last arrived, not about the as-of date. The as-of view of the same
    question is the freshness_days check of data_quality_report.
-#}
{% macro raw_loaded_at_query(source_relation, table_name, column) %}
    select max(loaded_at) as max_loaded_at
    from (
        select {{ try_cast_timestamp(clean_text(column)) }} as loaded_at
        from {{ raw_freshness_rows(source_relation, table_name) }} as raw_rows
    ) as parsed
    where not {{ is_implausible_timestamp('loaded_at') }}
        and not {{ is_future_timestamp('loaded_at') }}
{% endmacro %}
