{#-
    Load a folder of raw files into a raw schema, for runs on your own data
    on engines that cannot read files in place (DuckDB reads them directly:
    --vars '{raw_data_path: DIR}'). Called by `python -m segkit.load`, which
    finds the files and, on PostgreSQL, loads them itself with COPY (the
    server cannot read the client's files); see segkit/load.py.

      dbt run-operation load_raw_files --target spark \
          --args '{schema: analytics_raw_input, files: {contacts: /data/contacts.csv, events: /data/events.parquet, orders: null}}'

    Every table gets exactly the raw-data contract columns as text (a
    missing column is null, extra columns are dropped); a table whose file is
    null is created empty. The sample is not needed for any of this.
-#}

{% macro load_raw_files(schema, files) %}
    {{ return(adapter.dispatch('load_raw_files', 'behavioral_segmentation')(schema, files)) }}
{% endmacro %}


{% macro default__load_raw_files(schema, files) %}
    {{ exceptions.raise_compiler_error(
        "load_raw_files is for Spark. DuckDB reads a folder in place (--vars '{raw_data_path: DIR}'); "
        ~ "PostgreSQL: python -m segkit.load --target postgres --path DIR") }}
{% endmacro %}


{#- The columns loaded per table: the raw-data contract, and the optional
    erasure request list (macros/privacy/erasure.sql). -#}
{% macro raw_file_columns(table_name) %}
    {%- if table_name == 'erasure_requests' -%}
        {{ return(['contact_id', 'requested_at']) }}
    {%- endif -%}
    {{ return(raw_columns(table_name)) }}
{% endmacro %}


{% macro spark__load_raw_files(schema, files) %}
    {%- do run_query('create schema if not exists ' ~ schema) -%}
    {%- for table_name, path in files.items() -%}
        {%- set relation = schema ~ '.' ~ table_name -%}
        {%- set columns = raw_file_columns(table_name) -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- if path -%}
            {%- set file_view = table_name ~ '__raw_file' -%}
            {%- if path.endswith('.parquet') -%}
                {%- do run_query("create or replace temporary view " ~ file_view
                    ~ " using parquet options (path '" ~ path ~ "')") -%}
            {%- else -%}
                {%- do run_query("create or replace temporary view " ~ file_view
                    ~ " using csv options (path '" ~ path ~ "', header 'true', multiLine 'true', escape '\"')") -%}
            {%- endif -%}
            {%- set present = run_query('select * from ' ~ file_view ~ ' limit 0').column_names
                | map('lower') | list -%}
            {%- set select_list = [] -%}
            {%- for column in columns -%}
                {%- if column in present -%}
                    {%- do select_list.append('cast(`' ~ column ~ '` as string) as ' ~ column) -%}
                {%- else -%}
                    {%- do select_list.append('cast(null as string) as ' ~ column) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do run_query('create table ' ~ relation ~ ' using parquet as select '
                ~ select_list | join(', ') ~ ' from ' ~ file_view) -%}
            {%- do run_query('drop view if exists ' ~ file_view) -%}
        {%- else -%}
            {%- set select_list = [] -%}
            {%- for column in columns -%}
                {%- do select_list.append('cast(null as string) as ' ~ column) -%}
            {%- endfor -%}
            {%- do run_query('create table ' ~ relation ~ ' using parquet as select '
                ~ select_list | join(', ') ~ ' from (select 1 as one) as no_rows where 1 = 0') -%}
        {%- endif -%}
        {%- set count = run_query('select count(*) from ' ~ relation).columns[0].values()[0] -%}
        {{ log('loaded ' ~ relation ~ ': ' ~ count ~ ' rows' ~ (' from ' ~ path if path else ' (no file: empty)'), info=true) }}
    {%- endfor -%}
{% endmacro %}
