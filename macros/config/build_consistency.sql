{#-
    on-run-end (dbt_project.yml): every built model with an as_of_date
    column must carry the as-of date of int_as_of_date, the one clock of the
    build. They differ after a run that stopped part way (Ctrl-C, a killed
    job, a failed model whose children were skipped) or a partial run with
    another as_of_date: int_as_of_date is already on the new date while
    marts still hold the old one, and a reader would mix two dates. Then this
    check fails the invocation, naming the stale models. Empty models, models
    not built yet and incremental history tables (activation_list_history,
    which keeps every run's as-of date on purpose) are not checked.
-#}
{% macro check_build_consistency() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set clock_node = graph.nodes.values() | selectattr('name', 'equalto', 'int_as_of_date') | first -%}
    {%- set clock = load_relation(api.Relation.create(database=clock_node.database, schema=clock_node.schema,
        identifier=clock_node.alias)) -%}
    {%- if clock is none -%}{{ return('') }}{%- endif -%}
    {%- set as_of = run_query('select max(as_of_date) from ' ~ clock).rows[0][0] -%}
    {%- if as_of is none -%}{{ return('') }}{%- endif -%}
    {%- set stale = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
        if node.resource_type == 'model' and node.package_name == project_name and node.name != 'int_as_of_date'
        and 'as_of_date' in node.columns and node.config.materialized != 'incremental' -%}
        {%- set relation = load_relation(api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias)) -%}
        {%- if relation is not none -%}
            {%- set found = run_query('select min(as_of_date), max(as_of_date) from ' ~ relation).rows[0] -%}
            {%- if found[0] is not none and (found[0] | string != as_of | string or found[1] | string != as_of | string) -%}
                {%- do stale.append(node.name ~ ' (' ~ found[0] ~ (' to ' ~ found[1] if found[1] != found[0] else '')
                    ~ ')') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if stale | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Inconsistent build: int_as_of_date is " ~ as_of ~ " but " ~ stale | length ~ " models hold another as-of date: "
            ~ stale | join(', ') ~ ". Rebuild after an interrupted run: dbt build (with the same as_of_date var).") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
