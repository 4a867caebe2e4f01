{#-
    Right to erasure: a contact listed in the erasure requests no longer
    exists for this project.

    The three base staging models (base_raw__contacts / _events / _orders)
    drop every raw row whose contact_id is erased before anything else reads
    it, so no staging view, quarantine row, intermediate or mart table,
    segment or activation list can hold the contact's rows, and no later
    layer needs a filter of its own. Events are dropped by their contact_id;
    anonymous events (no contact_id) stay, anonymous: once the erased
    contact's identified events are gone, nothing links their anonymous_id
    to the contact any more. stg_raw__row_accounting counts the dropped rows
    as rows_erased.

    The list of erased contact ids is the union of
      * the seed seeds/privacy/erasure_requests.csv (contact_id, requested_at;
        header only by default);
      * var erasure_requests_relation: an existing table or view with a
        contact_id column (e.g. 'crm.erasure_requests'), for deployments
        where the CRM or a privacy tool keeps the list;
      * DuckDB with var raw_data_path: the file erasure_requests.csv (header
        row) or erasure_requests.parquet in that folder, if present. It is
        read in place and never copied into the database.
    Contact ids are compared trimmed, as staging trims them. A new request
    takes effect at the next `dbt build`; tables that keep history (snapshots,
    incremental tables, anything outside the rebuilt models) are purged with
    `dbt run-operation purge_erased_contacts` (macros/privacy/purge_erased_contacts.sql).
-#}

{#- The erased contact ids as a parenthesised subquery with one non-null,
    distinct column contact_id. Give it an alias where it is used. -#}
{% macro erased_contact_ids() -%}
    {%- set sources = erasure_request_sources() -%}
    (
        select distinct erasure_ids.contact_id
        from (
            {%- for source in sources %}
            select {{ clean_text('contact_id') }} as contact_id
            from {{ source }} as erasure_source_{{ loop.index }}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as erasure_ids
        where erasure_ids.contact_id is not null
    )
{%- endmacro %}


{#- SQL predicate: the (already trimmed) contact id expression is erased. -#}
{% macro is_erased_contact(contact_id_expr) -%}
    exists (
        select 1
        from {{ erased_contact_ids() }} as erased
        where erased.contact_id = {{ contact_id_expr }}
    )
{%- endmacro %}


{#- SQL predicate for a raw row: keep it unless its contact_id is erased
    (a row without contact_id is kept: it is quarantined or anonymous). -#}
{% macro is_not_erased_raw_row(contact_id_column='contact_id') -%}
    not {{ is_erased_contact(clean_text(contact_id_column)) }}
{%- endmacro %}


{#- Every relation (or subquery) that lists erasure requests. -#}
{% macro erasure_request_sources() %}
    {{ return(adapter.dispatch('erasure_request_sources', 'behavioral_segmentation')()) }}
{% endmacro %}

{% macro default__erasure_request_sources() %}
    {%- set sources = [ref('erasure_requests')] -%}
    {%- set relation_name = config_relation_name('erasure_requests_relation') -%}
    {%- if relation_name is not none -%}
        {%- do sources.append(relation_name) -%}
    {%- endif -%}
    {{ return(sources) }}
{% endmacro %}

{% macro duckdb__erasure_request_sources() %}
    {%- set sources = default__erasure_request_sources() -%}
    {%- set path = config_path('raw_data_path') -%}
    {%- if path is not none and execute -%}
        {%- set found = run_query(
            "select file from glob('" ~ path ~ "/erasure_requests.parquet') "
            ~ "union all select file from glob('" ~ path ~ "/erasure_requests.csv')"
        ) -%}
        {%- if found.rows | length > 0 -%}
            {%- set file = found.rows[0][0] -%}
            {%- if file.endswith('.parquet') -%}
                {%- do sources.append("(select contact_id from read_parquet('" ~ file ~ "'))") -%}
            {%- else -%}
                {%- do sources.append(
                    "(select contact_id from read_csv('" ~ file ~ "', header = true, all_varchar = true))") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(sources) }}
{% endmacro %}
