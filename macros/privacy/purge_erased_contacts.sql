{#-
    dbt run-operation purge_erased_contacts [--args '{dry_run: true}']

    Deletes the rows of erased contacts (macros/privacy/erasure.sql) from
    every table in the project's schemas that has a contact_id column: the
    schemas of every model, seed and snapshot of this project (staging,
    intermediate, marts, the raw sample, reference, ...). Views are skipped:
    they read the base models, which already drop erased contacts. The
    erasure requests themselves (the seed and the var
    erasure_requests_relation) are kept: they are the record that the
    request was honoured, and the filter that keeps the contact out of
    future loads.

    A rebuild (dbt build) already recomputes every model without erased
    contacts; this operation is for what a rebuild does not rewrite: snapshot
    and other history tables, incremental tables, tables written by hand into
    these schemas, and the loaded raw sample. Run it after adding a request
    (and keep the request in the list, or the next load brings the rows back).
    Files outside the database (raw_data_path files, export_path CSVs, the
    seeds/raw sample CSVs) are not touched: delete the contact there at the
    source. Logs one line per table with the rows deleted (or, with
    dry_run, the rows it would delete).
-#}
{% macro purge_erased_contacts(dry_run=false) %}
    {{ return(adapter.dispatch('purge_erased_contacts', 'behavioral_segmentation')(dry_run)) }}
{% endmacro %}

{% macro default__purge_erased_contacts(dry_run=false) %}
    {%- if dry_run is not boolean -%}
        {{ exceptions.raise_compiler_error("purge_erased_contacts: dry_run must be true or false, got " ~ dry_run) }}
    {%- endif -%}
    {#- the erasure lists themselves are kept: (schema, table) of the seed and the var relation -#}
    {%- set seed = ref('erasure_requests') -%}
    {%- set kept = [(seed.schema | lower, seed.identifier | lower)] -%}
    {%- set relation_name = config_relation_name('erasure_requests_relation') -%}
    {%- if relation_name is not none -%}
        {%- set parts = relation_name.lower().split('.') -%}
        {%- do kept.append((parts[-2] if parts | length > 1 else target.schema | lower, parts[-1])) -%}
    {%- endif -%}

    {#- the project's schemas: those of its models, seeds and snapshots -#}
    {%- set schemas = {} -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ['model', 'seed', 'snapshot'] and node.package_name == project_name -%}
            {%- do schemas.update({(node.database ~ '.' ~ node.schema): (node.database, node.schema)}) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set ns = namespace(tables=0, deleted=0) -%}
    {%- for key in schemas | sort -%}
        {%- set database, schema = schemas[key] -%}
        {%- set listed = list_relations_without_caching(api.Relation.create(database=database, schema=schema)) -%}
        {%- for row in listed | sort(attribute='name') -%}
            {%- set relation = api.Relation.create(
                database=row['database'], schema=row['schema'], identifier=row['name'], type=row['type']) -%}
            {%- if row['type'] == 'table' and (row['schema'] | lower, row['name'] | lower) not in kept -%}
                {%- set column_names = adapter.get_columns_in_relation(relation) | map(attribute='name')
                    | map('lower') | list -%}
                {%- if 'contact_id' in column_names -%}
                    {%- set ns.tables = ns.tables + 1 -%}
                    {#- qualified: inside the subquery a bare contact_id would be the erasure list's -#}
                    {%- set predicate = is_erased_contact(clean_text('purged.contact_id')) -%}
                    {%- set found = run_query("select count(*) from " ~ relation ~ " as purged where " ~ predicate) -%}
                    {%- set rows = found.rows[0][0] | int -%}
                    {%- if rows > 0 and not dry_run -%}
                        {%- do run_query("delete from " ~ relation ~ " as purged where " ~ predicate) -%}
                    {%- endif -%}
                    {%- set ns.deleted = ns.deleted + rows -%}
                    {{ log(("would delete " if dry_run else "deleted ") ~ rows ~ " erased-contact rows from "
                        ~ relation, info=true) }}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not dry_run and ns.tables > 0 -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
    {{ log("purge_erased_contacts: " ~ ns.deleted ~ " rows " ~ ("to delete" if dry_run else "deleted")
        ~ " in " ~ ns.tables ~ " tables with a contact_id column", info=true) }}
{% endmacro %}


{#- Spark: this project writes plain Parquet tables, which cannot delete rows. -#}
{% macro spark__purge_erased_contacts(dry_run=false) %}
    {{ exceptions.raise_compiler_error(
        "purge_erased_contacts: Parquet tables on Spark cannot delete rows. Rebuild the models "
        ~ "(dbt build --full-refresh: every model is recomputed without erased contacts) and rewrite "
        ~ "any other table holding them by hand.") }}
{% endmacro %}
