{#-
    Right to erasure: a contact listed in the erasure requests no longer
    exists for this project.

    The three base staging models (base_raw__contacts / _events / _orders)
    drop every raw row whose contact_id is erased before anything else reads
    it, so no staging view, quarantine row, intermediate or mart table,
    segment or activation list can hold the contact's rows, and no later
    layer needs a filter of its own. Events are also dropped by their
    anonymous_id when the erased contact ever used that device id (in the
    raw events, or recorded by the purge in erased_anonymous_ids): the erased
    person's anonymous browsing is theirs, and must not be re-linked to
    another contact who used the same device. stg_raw__row_accounting counts
    the dropped rows as rows_erased.

    One thing of an erased contact is kept, on purpose: the SHA-256 hash of
    its normalized address (erased_address_hashes below), in
    int_address_suppressions and, once purged, in
    <privacy schema>.erased_address_hashes. It is the suppression record
    that honours the request: that address is never emailed again, also
    through another contact record that shares it. It holds no contact id,
    no address, nothing else of the contact.

    Fails closed. Every erasure source must have a contact_id column (a file
    or table without one stops the build, naming it: a subquery over such a
    source would otherwise bind contact_id to the outer raw row and erase
    everyone); files are read with the raw files' fixed CSV dialect; every
    form present (CSV and Parquet) is read. And one run may erase at most the
    share erasure_max_share (default 5%) of the raw contacts: above it the
    build (and the purge) stop unless the var is raised for that run.

    The list of erased contact ids is the union of
      * the seed seeds/privacy/erasure_requests.csv (contact_id, requested_at;
        header only by default);
      * var erasure_requests_relation: an existing table or view with a
        contact_id column (e.g. 'crm.erasure_requests'), for deployments
        where the CRM or a privacy tool keeps the list;
      * DuckDB with var raw_data_path: the files erasure_requests.csv,
        .csv.gz and .parquet in that folder, every one present (header row
        for CSV). They are read in place and never copied into the database.
    Contact ids are compared trimmed, as staging trims them. A new request
    takes effect at the next `dbt build`; tables that keep history (snapshots,
    incremental tables, anything outside the rebuilt models) are purged with
    `dbt run-operation purge_erased_contacts` (macros/privacy/purge_erased_contacts.sql).
-#}

{#- The erased contact ids as a parenthesised subquery with one non-null,
    distinct column contact_id. Give it an alias where it is used. Every
    column is qualified: see the note on failing closed above. -#}
{% macro erased_contact_ids() -%}
    {%- set sources = erasure_request_sources() -%}
    (
        select distinct erasure_ids.contact_id
        from (
            {%- for source in sources %}
            select {{ clean_text('erasure_source_' ~ loop.index ~ '.contact_id') }} as contact_id
            from {{ source }} as erasure_source_{{ loop.index }}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as erasure_ids
        where erasure_ids.contact_id is not null
    )
{%- endmacro %}


{#- The anonymous ids an erased contact used: in the raw events, and those
    the purge recorded (it deletes the raw events that showed the link). A
    parenthesised subquery with one non-null, distinct column anonymous_id. -#}
{% macro erased_anonymous_ids() -%}
    {%- set blocklist = erased_anonymous_ids_relation() -%}
    (
        select distinct erased_devices.anonymous_id
        from (
            select {{ clean_text('erased_device_events.anonymous_id') }} as anonymous_id
            from {{ raw_table('events') }} as erased_device_events
            where {{ is_erased_contact(clean_text('erased_device_events.contact_id')) }}
            {%- if blocklist is not none %}
            union all
            select blocked_devices.anonymous_id
            from {{ blocklist }} as blocked_devices
            {%- endif %}
        ) as erased_devices
        where erased_devices.anonymous_id is not null
    )
{%- endmacro %}


{#- The hashes (email_sha256, macros/privacy/pii.sql) of the erased
    contacts' addresses: the suppression that honours the request (never
    email that address again, on any other contact record that shares it:
    int_address_suppressions). Computed from the raw contacts before the
    base models drop them, and from what the purge recorded in
    <privacy schema>.erased_address_hashes (it deletes the raw rows). Only
    the hash is kept: never the contact id or the address. A parenthesised
    subquery with one non-null, distinct column email_sha256. -#}
{% macro erased_address_hashes() -%}
    {%- set recorded = erased_address_hashes_relation() -%}
    (
        select distinct erased_addresses.email_sha256
        from (
            {%- if erasure_request_count() != 0 %}
            select {{ email_sha256('erased_contact_rows.email') }} as email_sha256
            from {{ raw_table('contacts') }} as erased_contact_rows
            where {{ is_erased_contact(clean_text('erased_contact_rows.contact_id')) }}
            {%- else %}
            select cast(null as {{ dbt.type_string() }}) as email_sha256
            {%- endif %}
            {%- if recorded is not none %}
            union all
            select recorded_addresses.email_sha256
            from {{ recorded }} as recorded_addresses
            {%- endif %}
        ) as erased_addresses
        where erased_addresses.email_sha256 is not null
    )
{%- endmacro %}


{#- The table where the purge records erased contacts' address hashes
    (beside the erasure request seed), when it exists; else none. -#}
{% macro erased_address_hashes_relation() %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set seed = ref('erasure_requests') -%}
    {{ return(adapter.get_relation(database=seed.database, schema=seed.schema, identifier='erased_address_hashes')) }}
{% endmacro %}


{#- The table where the purge records erased contacts' anonymous ids (beside
    the erasure request seed), when it exists; else none. -#}
{% macro erased_anonymous_ids_relation() %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set seed = ref('erasure_requests') -%}
    {{ return(adapter.get_relation(database=seed.database, schema=seed.schema, identifier='erased_anonymous_ids')) }}
{% endmacro %}


{#- SQL predicate: the (already trimmed) contact id expression is erased. -#}
{% macro is_erased_contact(contact_id_expr) -%}
    exists (
        select 1
        from {{ erased_contact_ids() }} as erased
        where erased.contact_id = {{ contact_id_expr }}
    )
{%- endmacro %}


{#- SQL predicate: a raw row of table_name (aliased row_alias) belongs to an
    erased contact: by its contact_id, and for an anonymous event (no
    contact_id) by an anonymous id the erased contact used. `false` when no
    erasure is requested at all, so an ordinary build reads each raw table
    once. -#}
{% macro is_erased_raw_row(table_name, row_alias) -%}
    {%- if erasure_request_count() == 0 -%}
        false
    {%- else -%}
        ({{ is_erased_contact(clean_text(row_alias ~ '.contact_id')) }}
        {%- if table_name == 'events' %}
            or ({{ clean_text(row_alias ~ '.contact_id') }} is null and {{ is_erased_device(clean_text(row_alias ~ '.anonymous_id')) }})
        {%- endif -%})
    {%- endif -%}
{%- endmacro %}


{#- SQL predicate: the (already trimmed) anonymous id was used by an erased contact. -#}
{% macro is_erased_device(anonymous_id_expr) -%}
    {%- if erasure_request_count() == 0 -%}
        false
    {%- else -%}
        coalesce({{ anonymous_id_expr }} in (
            select erased_device.anonymous_id from {{ erased_anonymous_ids() }} as erased_device
        ), false)
    {%- endif -%}
{%- endmacro %}


{#- The anonymous id of a kept event, or null when an erased contact used
    that device: the event stays with its own contact, but the device can no
    longer link the erased person's anonymous browsing to anyone. -#}
{% macro anonymous_id_unless_erased(anonymous_id_expr) -%}
    {%- if erasure_request_count() == 0 -%}
        {{ anonymous_id_expr }}
    {%- else -%}
        case when {{ is_erased_device(anonymous_id_expr) }} then null else {{ anonymous_id_expr }} end
    {%- endif -%}
{%- endmacro %}


{#- SQL predicate for a raw row: keep it unless it belongs to an erased contact. -#}
{% macro is_not_erased_raw_row(table_name, row_alias='raw_rows') -%}
    not {{ is_erased_raw_row(table_name, row_alias) }}
{%- endmacro %}


{#- How many distinct contact ids are listed for erasure (compile time; -1 at parse time). -#}
{% macro erasure_request_count() %}
    {%- if not execute -%}{{ return(-1) }}{%- endif -%}
    {%- set found = run_query('select count(*) from ' ~ erased_contact_ids() ~ ' as requested') -%}
    {{ return(found.rows[0][0] | int) }}
{% endmacro %}


{#- Stop when this run would erase more than erasure_max_share of the raw
    contacts: a malformed or mistaken request list must not empty the
    warehouse. Called by base_raw__contacts and the purge. -#}
{% macro check_erasure_share(step) %}
    {%- set cap = config_number('erasure_max_share', 0.05, 0, 1) -%}
    {%- if not execute or erasure_request_count() == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set found = run_query(
        "select count(distinct raw_ids.contact_id) as contacts, "
        ~ "count(distinct case when " ~ is_erased_contact('raw_ids.contact_id') ~ " then raw_ids.contact_id end) as erased "
        ~ "from (select " ~ clean_text('erasure_contacts.contact_id') ~ " as contact_id from "
        ~ raw_table('contacts') ~ " as erasure_contacts) as raw_ids where raw_ids.contact_id is not null") -%}
    {%- set contacts = found.rows[0][0] | int -%}
    {%- set erased = found.rows[0][1] | int -%}
    {%- if contacts > 0 and erased / contacts > cap -%}
        {{ exceptions.raise_compiler_error(
            step ~ ": the erasure requests name " ~ erased ~ " of the " ~ contacts ~ " raw contacts ("
            ~ ((100 * erased / contacts) | round(1)) ~ "%), more than erasure_max_share = " ~ cap
            ~ ". Check the request list first (a file with the wrong column or delimiter is refused, "
            ~ "but a list of the wrong ids is not); if the erasure is intended, raise the cap for this run: "
            ~ "--vars '{erasure_max_share: " ~ (((100 * erased / contacts) | round(0, 'ceil')) / 100) ~ "}'") }}
    {%- endif -%}
    {%- set unmatched = erasure_request_count() - erased -%}
    {{ log(step ~ ": erasing " ~ erased ~ " of " ~ contacts ~ " raw contacts (cap erasure_max_share = " ~ cap ~ ")"
        ~ ("; " ~ unmatched ~ " requested ids match no raw contact (gone at the source already, or a wrong id: "
           ~ "check the request list)" if unmatched > 0 else ""), info=true) }}
{% endmacro %}


{#- Every relation (or subquery) that lists erasure requests, each checked
    to have a contact_id column. -#}
{% macro erasure_request_sources() %}
    {{ return(adapter.dispatch('erasure_request_sources', 'behavioral_segmentation')()) }}
{% endmacro %}

{#- Stop unless the relation has a contact_id column; a relation not built
    yet (the seed before `dbt seed`) is checked when it exists. -#}
{% macro check_erasure_relation(relation, label, must_exist) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema,
        identifier=relation.identifier) -%}
    {%- if found is none -%}
        {%- if must_exist -%}
            {{ exceptions.raise_compiler_error("Erasure requests: " ~ label ~ " " ~ relation
                ~ " does not exist; create it (with a contact_id column) or unset the var") }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list -%}
    {%- if 'contact_id' not in names -%}
        {{ exceptions.raise_compiler_error("Erasure requests: " ~ label ~ " " ~ relation
            ~ " has no contact_id column (columns: " ~ (names | join(', ') or 'none')
            ~ "); nothing was erased. Name the column of erased contact ids contact_id.") }}
    {%- endif -%}
{% endmacro %}

{% macro default__erasure_request_sources() %}
    {%- set seed = ref('erasure_requests') -%}
    {%- do check_erasure_relation(seed, 'the seed', false) -%}
    {%- set sources = [seed] -%}
    {%- set relation_name = config_relation_name('erasure_requests_relation') -%}
    {%- if relation_name is not none -%}
        {%- set parts = relation_name.split('.') -%}
        {#- Spark has no database above the schema (target.database is undefined there) -#}
        {%- set relation = api.Relation.create(
            database=parts[-3] if parts | length > 2 else (none if target.type == 'spark' else target.database),
            schema=parts[-2] if parts | length > 1 else target.schema,
            identifier=parts[-1]) -%}
        {%- do check_erasure_relation(relation, 'the relation erasure_requests_relation', true) -%}
        {%- do sources.append(relation_name) -%}
    {%- endif -%}
    {{ return(sources) }}
{% endmacro %}

{% macro duckdb__erasure_request_sources() %}
    {%- set sources = default__erasure_request_sources() -%}
    {%- if config_path('raw_data_path') is not none -%}
        {%- for file in duckdb_raw_files('erasure_requests') if file['size'] > 0 -%}
            {#- the file's header was checked for contact_id (segkit/raw_files.py) -#}
            {%- do duckdb_check_csv_rows(file) -%}
            {%- do sources.append('(select erasure_file.contact_id from ' ~ duckdb_raw_file_reader(file)
                ~ ' as erasure_file)') -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(sources) }}
{% endmacro %}
