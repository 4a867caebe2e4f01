{#-
    The raw-data contract (../shared/reference/segmentation.md, section 1) and
    the one place that decides where raw rows come from.

    raw_table(name) returns a relation with exactly the contract columns, all
    as text. Staging owns typing, so a malformed value is quarantined rather
    than failing the load. It is a parenthesised subquery: give it an alias
    where it is used (`from raw_table('events') as raw_rows`); PostgreSQL 15
    requires one.
      * default: the dbt source `raw.<name>` (the sample seeds, or a raw schema);
      * DuckDB with var raw_data_path: the file <path>/<name>.parquet or
        <path>/<name>.csv; a missing file is an empty table, a missing column
        is null and an extra column is ignored.
-#}

{% macro raw_columns(table_name) %}
    {%- set columns = {
        'contacts': ['contact_id', 'email', 'created_at', 'email_opt_in'],
        'events': ['event_id', 'contact_id', 'anonymous_id', 'event_type', 'occurred_at', 'channel', 'properties'],
        'orders': ['order_id', 'contact_id', 'ordered_at', 'order_total', 'discount_total', 'currency', 'status',
                   'shipping_method', 'product_tier'],
    } -%}
    {{ return(columns[table_name]) }}
{% endmacro %}


{% macro raw_table(table_name) %}
    {{ return(adapter.dispatch('raw_table', 'behavioral_segmentation')(table_name)) }}
{% endmacro %}


{% macro default__raw_table(table_name) %}
    (
        select
            {%- for column in raw_columns(table_name) %}
            cast({{ column }} as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ raw_relation(table_name) }}
    )
{% endmacro %}


{#-
    The raw relation itself: the dbt source raw.<name>. When the var
    raw_schema is unset the source is the bundled sample seed in
    "<target schema>_raw", so the seed is also declared as a dependency: that
    way `dbt build` loads the sample before staging reads it.
-#}
{% macro raw_relation(table_name) %}
    {%- if config_identifier('raw_schema') is none -%}
        -- depends_on: {{ ref(table_name) }}
    {%- endif %}
    {{ source('raw', table_name) }}
{%- endmacro %}


{#-
    DuckDB file mode. The first of <name>.parquet / <name>.csv that exists
    and is not empty (0 bytes) is read; none = an empty table. A CSV is read
    with a fixed dialect (comma, double quote, header on the first line, no
    lines skipped), so values holding ';', '|' or quotes cannot make DuckDB's
    sniffer guess another delimiter, and a ragged file cannot make it take a
    later line for the header and skip the rows above it as a preamble (a
    silent loss): a row with more or fewer fields than the header fails the
    build, naming the file. Quoted line breaks are fine. Every column
    arrives as text, also from typed Parquet.
-#}
{% macro duckdb__raw_table(table_name) %}
    {%- set path = config_path('raw_data_path') -%}
    {%- if path is none -%}
        {{ return(default__raw_table(table_name)) }}
    {%- endif -%}
    {%- set empty_typed -%}
        select
            {%- for column in raw_columns(table_name) %}
            cast(null as varchar) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        where 1 = 0
    {%- endset -%}
    {%- set ns = namespace(reader=none) -%}
    {%- if execute -%}
        {%- set found = run_query(
            "select filename, size, 1 as preference from read_blob('" ~ path ~ "/" ~ table_name ~ ".parquet') "
            ~ "union all select filename, size, 2 from read_blob('" ~ path ~ "/" ~ table_name ~ ".csv') "
            ~ "order by preference"
        ) -%}
        {%- for row in found.rows -%}
            {%- if ns.reader is none and row[1] > 0 -%}
                {%- if row[0].endswith('.parquet') -%}
                    {%- set ns.reader = "select * from read_parquet('" ~ row[0] ~ "')" -%}
                {%- else -%}
                    {%- set ns.reader = "select * from read_csv('" ~ row[0] ~ "', header = true, all_varchar = true, "
                        ~ "delim = ',', quote = '\"', escape = '\"', skip = 0)" -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    (
        select
            {%- for column in raw_columns(table_name) %}
            cast({{ column }} as varchar) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            {{ empty_typed }}
            {%- if ns.reader is not none %}
            union all by name
            {{ ns.reader }}
            {%- endif %}
        ) as raw_rows
    )
{% endmacro %}


{#-
    The rows `dbt source freshness` reads for raw.<name> (see
    raw_loaded_at_query in source_freshness.sql): the source relation itself,
    or on DuckDB with raw_data_path the file that staging reads.
-#}
{% macro raw_freshness_rows(source_relation, table_name) %}
    {{ return(adapter.dispatch('raw_freshness_rows', 'behavioral_segmentation')(source_relation, table_name)) }}
{% endmacro %}

{% macro default__raw_freshness_rows(source_relation, table_name) %}
    {{ return(source_relation) }}
{% endmacro %}

{% macro duckdb__raw_freshness_rows(source_relation, table_name) %}
    {%- if config_path('raw_data_path') is none -%}
        {{ return(source_relation) }}
    {%- endif -%}
    {{ return(duckdb__raw_table(table_name)) }}
{% endmacro %}


{#- One text rendering of a raw row, kept in quarantine so nothing is lost
    (but a direct identifier such as the email, which is written hashed). -#}
{% macro raw_record(table_name) -%}
    {%- set parts = [] -%}
    {%- for column in raw_columns(table_name) -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {#- a direct identifier is written as its hash (macros/privacy/pii.sql) -#}
        {%- do parts.append("coalesce(" ~ raw_record_value(table_name, column) ~ ", '<null>')") -%}
        {%- if not loop.last %}{%- do parts.append("' | '") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
