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
    A raw table marked optional in the sources YAML (suppressions) may be
    missing as a whole: no file, or no relation in the raw schema, reads as
    an empty table with the contract columns (the base model's log says so).
-#}

{#- The raw tables' columns, in contract order, as the sources YAML
    (models/staging/raw/_raw__sources.yml) lists them: the one definition,
    read from the graph's source nodes (Python reads the same file:
    segkit/raw_files.py). optional=false leaves out the columns marked
    `meta: {optional: true}` (a file or relation may lack them; they then read
    as null); optional=true gives only those. At parse time the graph is not
    built yet: [] (the rendered SQL is thrown away, only refs count). -#}
{% macro raw_columns(table_name, optional=none) %}
    {%- set node = graph.get('sources', {}).get('source.' ~ project_name ~ '.raw.' ~ table_name) -%}
    {%- if node is none -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error("raw_columns: no source raw." ~ table_name
                ~ " in models/staging/raw/_raw__sources.yml") }}
        {%- endif -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name, column in node['columns'].items() -%}
        {%- set meta = column.get('meta') or {} -%}
        {%- set meta = meta if meta else ((column.get('config') or {}).get('meta') or {}) -%}
        {%- if optional is none or (meta.get('optional', false) == optional) -%}
            {%- do names.append(column.get('name') or name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- validate=true (the base models, which read each raw table first): also
    check the rows can be read at all, where the engine needs it (DuckDB
    files). -#}
{% macro raw_table(table_name, validate=false) %}
    {{ return(adapter.dispatch('raw_table', 'behavioral_segmentation')(table_name, validate)) }}
{% endmacro %}


{% macro default__raw_table(table_name, validate=false) %}
    {%- if raw_table_is_optional(table_name) and not raw_relation_exists(table_name) -%}
        {%- if validate and execute -%}
            {{ log("Raw input: no relation " ~ source('raw', table_name) ~ " (an optional raw table): "
                ~ table_name ~ " is an empty table in this build", info=true) }}
        {%- endif -%}
        {{ return(raw_empty_table(table_name)) }}
    {%- endif -%}
    {%- set relation = raw_relation(table_name) -%}
    {%- set absent = raw_absent_optional_columns(table_name) -%}
    (
        select
            {%- for column in raw_columns(table_name) %}
            {%- if column in absent %}
            cast(null as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
            {%- else %}
            cast(raw_source.{{ column }} as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
            {%- endif %}
            {%- endfor %}
        from {{ relation }} as raw_source
    )
{% endmacro %}


{#- True when the sources YAML marks the whole raw table optional
    (`config: {meta: {optional: true}}` on the table: suppressions): a folder
    or schema without it reads it as an empty table. -#}
{% macro raw_table_is_optional(table_name) %}
    {%- set node = graph.get('sources', {}).get('source.' ~ project_name ~ '.raw.' ~ table_name) -%}
    {%- if node is none -%}{{ return(false) }}{%- endif -%}
    {%- set meta = node.get('meta') or (node.get('config') or {}).get('meta') or {} -%}
    {{ return(meta.get('optional', false) == true) }}
{% endmacro %}


{#- Whether the raw relation raw.<name> exists (compile time; true at parse time). -#}
{% macro raw_relation_exists(table_name) %}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set parts = source('raw', table_name) -%}
    {%- set found = adapter.get_relation(database=parts.database, schema=parts.schema, identifier=parts.identifier) -%}
    {{ return(found is not none) }}
{% endmacro %}


{#- A relation with the table's contract columns (text) and no row. -#}
{% macro raw_empty_table(table_name) -%}
    (
        select
            {%- for column in raw_columns(table_name) %}
            cast(null as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from (select 1 as no_row) as empty_source
        where 1 = 0
    )
{%- endmacro %}


{#- The optional columns (raw_columns optional=true) the raw relation does not
    have, asked of the engine at compile time (a relation that does not exist
    yet has none of them). -#}
{% macro raw_absent_optional_columns(table_name) %}
    {%- set relation_parts = source('raw', table_name) -%}
    {%- set optional = raw_columns(table_name, optional=true) -%}
    {%- if not optional or not execute -%}{{ return(optional) }}{%- endif -%}
    {%- set found = adapter.get_relation(database=relation_parts.database, schema=relation_parts.schema,
                                         identifier=relation_parts.identifier) -%}
    {%- if found is none -%}{{ return(optional) }}{%- endif -%}
    {%- set present = adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list -%}
    {{ return(optional | reject('in', present) | list) }}
{% endmacro %}


{#-
    The raw relation itself: the dbt source raw.<name>. When the var
    raw_schema is unset the source is the bundled sample seed in
    "<target schema>_raw", so the seed is also declared as a dependency: that
    way `dbt build` loads the sample before staging reads it.
-#}
{% macro raw_relation(table_name) %}
    {#- only the tables with a bundled sample seed (seeds/raw/); an optional
        raw table (suppressions) has none. Decided by name: at parse time the
        graph, and so the sources YAML's meta, is not there yet. -#}
    {%- if config_identifier('raw_schema') is none and table_name in ['contacts', 'events', 'orders'] -%}
        -- depends_on: {{ ref(table_name) }}
    {%- endif %}
    {{ source('raw', table_name) }}
{%- endmacro %}


{#-
    DuckDB file mode (var raw_data_path). Which file holds which table is
    decided by segkit/raw_files.py (asked through the dbt-duckdb plugin
    segkit/duckdb_plugin.py; see its rules): a folder that does not exist or
    holds none of the tables, a link that points nowhere, two forms of one
    table, an unsupported file named like a table, a duplicated header name
    and a nested Parquet column all stop the build with a message naming the
    folder or file. <name>.csv, <name>.csv.gz and <name>.parquet are read; a
    missing or 0-byte file is an empty table (said in the log).

    A CSV is read with a fixed dialect (comma, double quote, header on the
    first line, no lines skipped), so values holding ';', '|' or quotes cannot
    make DuckDB's sniffer guess another delimiter, and a ragged file cannot
    make it take a later line for the header and skip the rows above it as a
    preamble (a silent loss). With validate=true (the base models) the file is
    first read once in full: a row DuckDB cannot read (another field count,
    invalid UTF-8, a stray quote) stops the build naming the file, line and
    the kind of error, never the row (it may hold an address).
    Quoted line breaks are fine. Every column arrives as text, also from
    typed Parquet.
-#}

{#- What the raw folder holds for every table the project reads from it. -#}
{% macro raw_file_specs() %}
    {{ return({
        'contacts': {'columns': raw_columns('contacts')},
        'events': {'columns': raw_columns('events')},
        'orders': {'columns': raw_columns('orders')},
        'suppressions': {'columns': raw_columns('suppressions'), 'optional': true,
                         'required_any': ['email', 'email_sha256']},
        'erasure_requests': {'columns': raw_file_columns('erasure_requests'), 'required': ['contact_id'],
                             'optional': true, 'all_forms': true},
    }) }}
{% endmacro %}


{#- The files of one table in raw_data_path, as dicts (path, format,
    compression, size, columns); [] at parse time. -#}
{% macro duckdb_raw_files(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set path = config_path('raw_data_path') -%}
    {%- set answer = run_query(
        "select segkit_raw_files('" ~ path ~ "', '" ~ tojson(raw_file_specs()) ~ "')") -%}
    {%- set found = fromjson(answer.rows[0][0]) -%}
    {%- if 'error' in found -%}
        {{ exceptions.raise_compiler_error("Raw input: " ~ found['error']) }}
    {%- endif -%}
    {{ return(found['tables'][table_name]) }}
{% endmacro %}


{#- The reader of one raw file (a dict from duckdb_raw_files). -#}
{% macro duckdb_raw_file_reader(file, extra_options='') -%}
    {%- if file['format'] == 'parquet' -%}
        read_parquet('{{ file['path'] }}')
    {%- else -%}
        read_csv('{{ file['path'] }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
            skip = 0, compression = '{{ file['compression'] or 'none' }}'{{ extra_options }})
    {%- endif -%}
{%- endmacro %}


{#- Stop the build when a CSV file holds a row DuckDB cannot read; the
    message names the file and line, never the row's content
    (segkit/raw_files.py, check_csv_rows). -#}
{% macro duckdb_check_csv_rows(file) %}
    {%- if file['format'] != 'csv' or not execute -%}{{ return(none) }}{%- endif -%}
    {%- set found = run_query("select segkit_check_csv('" ~ file['path'] ~ "', '"
        ~ (file['compression'] or 'none') ~ "')").rows[0][0] -%}
    {%- if found is not none -%}
        {{ exceptions.raise_compiler_error("Raw input: " ~ found
            ~ ". Fix or remove the row and build again: nothing was read from this file.") }}
    {%- endif -%}
{% endmacro %}


{% macro duckdb__raw_table(table_name, validate=false) %}
    {%- set path = config_path('raw_data_path') -%}
    {%- if path is none -%}
        {{ return(default__raw_table(table_name, validate)) }}
    {%- endif -%}
    {%- set readers = [] -%}
    {%- for file in duckdb_raw_files(table_name) if file['size'] > 0 -%}
        {%- if validate -%}{%- do duckdb_check_csv_rows(file) -%}{%- endif -%}
        {%- do readers.append('select * from ' ~ duckdb_raw_file_reader(file)) -%}
    {%- endfor -%}
    {%- if validate and execute and readers | length == 0 -%}
        {{ log("Raw input: no " ~ table_name ~ " rows in " ~ path ~ " (no file, or an empty one): "
            ~ table_name ~ " is an empty table in this build", info=true) }}
    {%- endif -%}
    (
        select
            {%- for column in raw_columns(table_name) %}
            cast(raw_rows.{{ column }} as varchar) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            select
                {%- for column in raw_columns(table_name) %}
                cast(null as varchar) as {{ column }}{{ "," if not loop.last }}
                {%- endfor %}
            where 1 = 0
            {%- for reader in readers %}
            union all by name
            {{ reader }}
            {%- endfor %}
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
    {{ return(duckdb__raw_table(table_name, validate=true)) }}
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
