{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
-- The audit trail of the activation lists: every run appends each list's
-- rows (one row per list x contact x run), with the as-of date, the list's
-- rule_version and the dbt invocation id of the run. Never rebuilt, not even
-- by --full-refresh (full_refresh=false): drop the table by hand to start a
-- new trail. activation_assignment reads the earlier runs for the frequency
-- cap. Erased contacts are deleted from it by
-- `dbt run-operation purge_erased_contacts` (it has a contact_id column).
{%- set lists = activation_list_rules(activation_list_parameters()) | map(attribute='name') | list %}
with

{%- for list_name in lists %}

    {{ list_name }} as (
        select * from {{ ref('activation_' ~ list_name) }}
    ),
{%- endfor %}

listed as (
    {%- for list_name in lists %}
        select
            list_name,
            contact_id,
            email_sha256,
            as_of_date,
            rule_version
        from {{ list_name }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        cast(list_name as {{ dbt.type_string() }}) as list_name,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(email_sha256 as {{ dbt.type_string() }}) as email_sha256,
        cast(as_of_date as date) as as_of_date,
        cast(rule_version as {{ dbt.type_string() }}) as rule_version,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as run_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as run_started_at
    from listed
)

select * from final
