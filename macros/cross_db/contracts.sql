{#-
    Portable model contracts.

    Model YAML writes `data_type` with DuckDB's names (varchar, bigint, double,
    decimal(18,2), timestamp, date, boolean, integer). Two of them do not exist
    elsewhere: PostgreSQL has no `double` (it is `double precision`) and Spark
    has no bare `varchar` (it is `string`). contract_data_type() translates a
    YAML type to the engine's name, and the two places where dbt reads the
    YAML types of a contracted model are overridden for those engines to use
    it: the "empty schema" query of the contract check (PostgreSQL and Spark)
    and the CREATE TABLE column list (PostgreSQL; Spark creates Parquet tables
    with `as select` and has no column DDL). So every model YAML stays
    engine-neutral and nobody writes target-specific types.

    Column constraints: Spark applies them only to Delta tables and this
    project writes Parquet there, so constraints on Spark are ignored by
    dbt-spark; a `not_null` constraint that must hold everywhere belongs in
    data_tests.
-#}

{% macro contract_data_type(data_type) -%}
    {{ return(adapter.dispatch('contract_data_type', 'behavioral_segmentation')(data_type)) }}
{%- endmacro %}

{% macro default__contract_data_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{% macro postgres__contract_data_type(data_type) -%}
    {%- set names = {'double': 'double precision', 'float8': 'double precision', 'string': 'text'} -%}
    {{ return(names.get(data_type | trim | lower, data_type)) }}
{%- endmacro %}

{% macro spark__contract_data_type(data_type) -%}
    {%- set names = {'varchar': 'string', 'text': 'string', 'double precision': 'double', 'float8': 'double'} -%}
    {{ return(names.get(data_type | trim | lower, data_type)) }}
{%- endmacro %}


{#- A copy of a model's columns (name -> column dict) with engine type names. -#}
{% macro contract_columns(columns) -%}
    {%- set translated = {} -%}
    {%- for name, column in columns.items() -%}
        {%- set copied = column.copy() -%}
        {%- if column.get('data_type') -%}
            {%- do copied.update({'data_type': contract_data_type(column['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: copied}) -%}
    {%- endfor -%}
    {{ return(translated) }}
{%- endmacro %}


{#- dbt's contract check selects `cast(null as <data_type>)` for every YAML
    column and compares the result with the model's own columns. -#}
{% macro postgres__get_empty_schema_sql(columns) -%}
    {{ return(dbt.default__get_empty_schema_sql(contract_columns(columns))) }}
{%- endmacro %}

{% macro spark__get_empty_schema_sql(columns) -%}
    {{ return(dbt.default__get_empty_schema_sql(contract_columns(columns))) }}
{%- endmacro %}


{#- PostgreSQL creates a contracted table from the YAML column list
    (dbt's table_columns_and_constraints, with engine type names). -#}
{% macro postgres__get_table_columns_and_constraints() -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(
        raw_columns=contract_columns(model['columns'])) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    (
    {% for c in raw_column_constraints -%}
        {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
