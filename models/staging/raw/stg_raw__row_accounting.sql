-- One row per raw table: where every raw row went. Each count is taken from
-- a different model, so the tested identity
--   rows_read = rows_staged + duplicates_removed + rows_quarantined + rows_erased
-- fails if any step loses or invents a row. rows_erased counts the raw rows of
-- erased contacts (macros/privacy/erasure.sql), which no model holds; the
-- suppression list has no contact id, so none of its rows is erased (0).
-- The optional suppression list is keyed by the address's hash.
{%- set tables = {
    'contacts': 'contact_id',
    'events': 'event_id',
    'orders': 'order_id',
    'suppressions': 'email_sha256',
} %}
with

{% for table_name, key in tables.items() %}
    {{ table_name }}_read as (
        select count(*) as rows_read
        from {{ raw_table(table_name) }} as raw_rows
    ),

    {{ table_name }}_erased as (
        {%- if table_name == 'suppressions' %}
            select cast(0 as {{ dbt.type_bigint() }}) as rows_erased
        {%- else %}
            select count(*) as rows_erased
            from {{ raw_table(table_name) }} as raw_rows
            where {{ is_erased_raw_row(table_name, 'raw_rows') }}
        {%- endif %}
    ),

    {{ table_name }}_duplicates as (
        select count(*) - count(distinct {{ key }}) as duplicates_removed
        from {{ ref('base_raw__' ~ table_name) }}
        where rejection_reason is null
    ),

    {{ table_name }}_staged as (
        select count(*) as rows_staged
        from {{ ref('stg_raw__' ~ table_name) }}
    ),

{% endfor %}
quarantined as (
    select
        source_table,
        count(*) as rows_quarantined
    from {{ ref('stg_raw__quarantine') }}
    group by source_table
),

unioned as (
    {%- for table_name in tables %}
        select
            '{{ table_name }}' as source_table,
            raw_read.rows_read,
            staged.rows_staged,
            duplicates.duplicates_removed,
            coalesce(quarantined.rows_quarantined, 0) as rows_quarantined,
            erased.rows_erased
        from {{ table_name }}_read as raw_read
        cross join {{ table_name }}_staged as staged
        cross join {{ table_name }}_duplicates as duplicates
        cross join {{ table_name }}_erased as erased
        left join quarantined
            on quarantined.source_table = '{{ table_name }}'
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from unioned
