{#-
    dbt run-operation purge_erased_contacts                          # dry run: rows per table, nothing changed
    dbt run-operation purge_erased_contacts --args '{dry_run: false}' # delete

    Deletes the rows of erased contacts (macros/privacy/erasure.sql) from
    every table in the project's schemas that has a contact_id column: the
    schemas of every model, seed and snapshot of this project (staging with
    its quarantine, intermediate, marts, the raw sample, reference, ...).
    The erased contacts' anonymous ids (from the raw events and from every
    such table that pairs contact_id with anonymous_id) are recorded first in
    <privacy schema>.erased_anonymous_ids, which every later build reads, so
    the device can never be re-linked to another contact; then a row holding
    such an anonymous id is deleted when it has no contact, and keeps its own
    contact with the anonymous id blanked otherwise. The SHA-256 hashes of
    the erased contacts' normalized addresses (from the raw contacts and
    every table pairing contact_id with email_sha256) are recorded first
    too, in <privacy schema>.erased_address_hashes: one column, the hash,
    no contact id, no address. Every later build reads it
    (int_address_suppressions), so the address stays suppressed on every
    other contact record that shares it after the raw rows are gone: the
    request means "never email me again". Views are skipped: they
    read the base models, which already drop erased contacts. The erasure
    requests themselves (the seed, the var erasure_requests_relation), the
    anonymous-id list and the address-hash list are kept: they are the
    record that the request was honoured, and the filter that keeps the
    contact out of future loads and its address off every list.

    Safe by default: without dry_run: false it only reports what it would
    delete, and like the build it refuses to erase more than the share
    erasure_max_share (default 5%) of the raw contacts unless the var is
    raised for that run.

    A rebuild (dbt build) already recomputes every model without erased
    contacts; this operation is for what a rebuild does not rewrite: snapshot
    and other history tables, incremental tables, tables written by hand into
    these schemas, and the loaded raw sample. Deleted rows can survive as
    bytes in free blocks of a DuckDB file: afterwards run
    `python -m segkit.compact <file>` (segkit/compact.py), which rewrites the
    file so no byte of an erased address or contact id remains, and the
    address's hash only in the kept suppression record (erased_address_hashes,
    and int_address_suppressions, which reads it). Files outside
    the database (raw_data_path files, export_path CSVs, the seeds/raw sample
    CSVs) are not touched: delete the contact there at the source.
-#}
{% macro purge_erased_contacts(dry_run=true) %}
    {{ return(adapter.dispatch('purge_erased_contacts', 'behavioral_segmentation')(dry_run)) }}
{% endmacro %}

{% macro default__purge_erased_contacts(dry_run=true) %}
    {%- if dry_run is not boolean -%}
        {{ exceptions.raise_compiler_error("purge_erased_contacts: dry_run must be true or false, got " ~ dry_run) }}
    {%- endif -%}
    {%- do check_erasure_share('purge_erased_contacts') -%}
    {%- set seed = ref('erasure_requests') -%}
    {%- set blocklist_name = 'erased_anonymous_ids' -%}
    {%- set hashes_name = 'erased_address_hashes' -%}
    {#- kept: (schema, table) of the erasure seed, the var relation, the anonymous-id list and the address-hash list -#}
    {%- set kept = [(seed.schema | lower, seed.identifier | lower), (seed.schema | lower, blocklist_name),
                    (seed.schema | lower, hashes_name)] -%}
    {%- set relation_name = config_relation_name('erasure_requests_relation') -%}
    {%- if relation_name is not none -%}
        {%- set parts = relation_name.lower().split('.') -%}
        {%- do kept.append((parts[-2] if parts | length > 1 else target.schema | lower, parts[-1])) -%}
    {%- endif -%}

    {#- the project's tables, with their lower-cased column names -#}
    {%- set schemas = {} -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ['model', 'seed', 'snapshot'] and node.package_name == project_name -%}
            {%- do schemas.update({(node.database ~ '.' ~ node.schema): (node.database, node.schema)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set tables = [] -%}
    {%- for key in schemas | sort -%}
        {%- set database, schema = schemas[key] -%}
        {%- set listed = list_relations_without_caching(api.Relation.create(database=database, schema=schema)) -%}
        {%- for row in listed | sort(attribute='name') -%}
            {%- if row['type'] == 'table' and (row['schema'] | lower, row['name'] | lower) not in kept -%}
                {%- set relation = api.Relation.create(
                    database=row['database'], schema=row['schema'], identifier=row['name'], type='table') -%}
                {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
                {%- if 'contact_id' in names or 'anonymous_id' in names -%}
                    {%- do tables.append({'relation': relation, 'contact_id': 'contact_id' in names,
                        'anonymous_id': 'anonymous_id' in names, 'email_sha256': 'email_sha256' in names}) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {#- 1. the erased contacts' anonymous ids, recorded before the rows showing them go -#}
    {%- set device_sources = ['select erased_device.anonymous_id from ' ~ erased_anonymous_ids() ~ ' as erased_device'] -%}
    {%- for table in tables if table['contact_id'] and table['anonymous_id'] -%}
        {%- do device_sources.append('select linked.anonymous_id from ' ~ table['relation'] ~ ' as linked where '
            ~ is_erased_contact(clean_text('linked.contact_id'))) -%}
    {%- endfor -%}
    {%- set devices_sql = 'select distinct found_devices.anonymous_id from (' ~ device_sources | join(' union all ')
        ~ ') as found_devices where found_devices.anonymous_id is not null' -%}
    {%- set devices = run_query('select count(*) from (' ~ devices_sql ~ ') as counted').rows[0][0] | int -%}
    {%- set blocklist = api.Relation.create(database=seed.database, schema=seed.schema, identifier=blocklist_name) -%}
    {%- if not dry_run and devices > 0 -%}
        {%- do run_query('create table if not exists ' ~ blocklist ~ ' (anonymous_id ' ~ dbt.type_string() ~ ')') -%}
        {%- do run_query('insert into ' ~ blocklist ~ ' select new_devices.anonymous_id from (' ~ devices_sql
            ~ ') as new_devices where new_devices.anonymous_id not in (select recorded.anonymous_id from '
            ~ blocklist ~ ' as recorded)') -%}
    {%- endif -%}
    {{ log(("would record " if dry_run else "recorded ") ~ devices ~ " anonymous ids of erased contacts in "
        ~ blocklist, info=true) }}
    {#- 1b. the hashes of the erased contacts' addresses (macros/privacy/erasure.sql,
        erased_address_hashes), recorded before the raw rows go: the suppression that
        keeps the address from being emailed again through another contact record.
        Only the hash: no contact id, no address. -#}
    {%- set hash_sources = ['select erased_address.email_sha256 from ' ~ erased_address_hashes() ~ ' as erased_address'] -%}
    {%- for table in tables if table['contact_id'] and table['email_sha256'] -%}
        {%- do hash_sources.append('select hashed.email_sha256 from ' ~ table['relation'] ~ ' as hashed where '
            ~ is_erased_contact(clean_text('hashed.contact_id'))) -%}
    {%- endfor -%}
    {%- set hashes_sql = 'select distinct found_hashes.email_sha256 from (' ~ hash_sources | join(' union all ')
        ~ ') as found_hashes where found_hashes.email_sha256 is not null' -%}
    {%- set hashes = run_query('select count(*) from (' ~ hashes_sql ~ ') as counted').rows[0][0] | int -%}
    {%- set hash_list = api.Relation.create(database=seed.database, schema=seed.schema, identifier=hashes_name) -%}
    {%- if not dry_run and hashes > 0 -%}
        {%- do run_query('create table if not exists ' ~ hash_list ~ ' (email_sha256 ' ~ dbt.type_string() ~ ')') -%}
        {%- do run_query('insert into ' ~ hash_list ~ ' select new_hashes.email_sha256 from (' ~ hashes_sql
            ~ ') as new_hashes where new_hashes.email_sha256 not in (select recorded.email_sha256 from '
            ~ hash_list ~ ' as recorded)') -%}
    {%- endif -%}
    {{ log(("would record " if dry_run else "recorded ") ~ hashes ~ " address hashes of erased contacts in "
        ~ hash_list ~ " (kept: the suppression that honours the request)", info=true) }}
    {#- the deletes below remove the rows that showed the links: from here on the recorded list is read -#}
    {%- set device_list = '(select recorded.anonymous_id from ' ~ blocklist ~ ' as recorded)'
        if not dry_run and load_relation(blocklist) is not none else '(' ~ devices_sql ~ ')' -%}

    {#- 2. delete the erased contacts' rows; drop or blank the erased devices -#}
    {%- set ns = namespace(deleted=0, blanked=0) -%}
    {%- for table in tables -%}
        {%- set relation = table['relation'] -%}
        {%- set conditions = [] -%}
        {%- if table['contact_id'] -%}
            {%- do conditions.append(is_erased_contact(clean_text('purged.contact_id'))) -%}
        {%- endif -%}
        {%- set device = 'purged.anonymous_id in (select listed_device.anonymous_id from ' ~ device_list
            ~ ' as listed_device)' -%}
        {%- if table['anonymous_id'] -%}
            {%- do conditions.append('(' ~ device ~ (' and purged.contact_id is null' if table['contact_id'] else '') ~ ')') -%}
        {%- endif -%}
        {%- set predicate = '(' ~ conditions | join(' or ') ~ ')' -%}
        {%- set rows = run_query('select count(*) from ' ~ relation ~ ' as purged where ' ~ predicate).rows[0][0] | int -%}
        {%- set blank = 0 -%}
        {%- if table['contact_id'] and table['anonymous_id'] -%}
            {%- set blank_predicate = device ~ ' and not ' ~ predicate -%}
            {%- set blank = run_query('select count(*) from ' ~ relation ~ ' as purged where ' ~ blank_predicate).rows[0][0] | int -%}
        {%- endif -%}
        {%- if not dry_run and rows > 0 -%}
            {%- do run_query('delete from ' ~ relation ~ ' as purged where ' ~ predicate) -%}
        {%- endif -%}
        {%- if not dry_run and blank > 0 -%}
            {%- do run_query('update ' ~ relation ~ ' as purged set anonymous_id = null where ' ~ blank_predicate) -%}
        {%- endif -%}
        {%- set ns.deleted = ns.deleted + rows -%}
        {%- set ns.blanked = ns.blanked + blank -%}
        {%- if rows > 0 or blank > 0 or dry_run -%}
            {{ log(("would delete " if dry_run else "deleted ") ~ rows ~ " rows"
                ~ (" and blank " ~ blank ~ " anonymous ids" if blank > 0 else "") ~ " in " ~ relation, info=true) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if not dry_run -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
    {{ log("purge_erased_contacts: " ~ ns.deleted ~ " rows " ~ ("to delete" if dry_run else "deleted")
        ~ " and " ~ ns.blanked ~ " anonymous ids " ~ ("to blank" if dry_run else "blanked")
        ~ " in " ~ tables | length ~ " tables with a contact_id or anonymous_id column"
        ~ (". Dry run: nothing was changed; run again with --args '{dry_run: false}' to delete." if dry_run
           else ". On DuckDB, now run python -m segkit.compact <database file> so no deleted byte remains."), info=true) }}
{% endmacro %}


{#- Spark: this project writes plain Parquet tables, which cannot delete rows. -#}
{% macro spark__purge_erased_contacts(dry_run=true) %}
    {{ exceptions.raise_compiler_error(
        "purge_erased_contacts: Parquet tables on Spark cannot delete rows. Rebuild the models "
        ~ "(dbt build --full-refresh: every model is recomputed without erased contacts) and rewrite "
        ~ "any other table holding them by hand.") }}
{% endmacro %}
