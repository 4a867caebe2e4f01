{#-
    The shape every activation list shares: the contacts of fct_contact_behavior
    that meet `condition` (SQL over the facts and contact_segments columns,
    aliased facts / segments), minus everyone the contactability gate
    suppresses, with the fields a marketing tool imports: contact id, hashed
    email (raw email only when the var activation_include_email is true),
    segment labels, why the contact is on the list, and the evidence columns.
-#}
{% macro activation_list(list_name, condition, reason, evidence_columns) %}
{%- set include_email = config_boolean('activation_include_email', false) %}
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segments as (
    select * from {{ ref('contact_segments') }}
),

contactability as (
    select * from {{ ref('contactability') }}
),

{%- if include_email %}

emails as (
    select contact_id, email from {{ ref('stg_raw__contacts') }}
),
{%- endif %}

eligible as (
    select
        facts.contact_id,
        facts.as_of_date,
        facts.email_sha256,
        {{ reason }} as list_reason,
        segments.rfm_segment,
        segments.loyalty_status_segment,
        segments.engagement_level_segment,
        segments.journey_stage_segment,
        {%- for column, data_type in evidence_columns.items() %}
            facts.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from facts
    inner join segments
        on facts.contact_id = segments.contact_id
    inner join contactability
        on facts.contact_id = contactability.contact_id
    where
        contactability.is_contactable
        and ({{ condition }})
),

final as (
    select
        cast(eligible.contact_id as {{ dbt.type_string() }}) as contact_id,
        cast('{{ list_name }}' as {{ dbt.type_string() }}) as list_name,
        cast(eligible.as_of_date as date) as as_of_date,
        cast(eligible.email_sha256 as {{ dbt.type_string() }}) as email_sha256,
        {%- if include_email %}
            cast(emails.email as {{ dbt.type_string() }}) as email,
        {%- else %}
            cast(null as {{ dbt.type_string() }}) as email,
        {%- endif %}
        cast(eligible.list_reason as {{ dbt.type_string() }}) as list_reason,
        cast(eligible.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(eligible.loyalty_status_segment as {{ dbt.type_string() }}) as loyalty_status_segment,
        cast(eligible.engagement_level_segment as {{ dbt.type_string() }}) as engagement_level_segment,
        cast(eligible.journey_stage_segment as {{ dbt.type_string() }}) as journey_stage_segment,
        {%- for column, data_type in evidence_columns.items() %}
            cast(eligible.{{ column }} as {{ data_type }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from eligible
    {%- if include_email %}
        left join emails
            on eligible.contact_id = emails.contact_id
    {%- endif %}
)

select * from final
{% endmacro %}


{#-
    Post-hook: with --vars '{export_path: DIR}' on DuckDB, also write the list
    as DIR/<model>.csv (header row) for import into HubSpot or similar.
-#}
{% macro export_activation_list() %}
    {{ return(adapter.dispatch('export_activation_list', 'behavioral_segmentation')()) }}
{% endmacro %}

{% macro default__export_activation_list() %}
    {%- if config_path('export_path') is not none -%}
        {{ exceptions.raise_compiler_error("The var export_path writes CSV files on the duckdb target only; unset it on " ~ target.type ~ ".") }}
    {%- endif -%}
    select 1
{% endmacro %}

{% macro duckdb__export_activation_list() %}
    {%- set path = config_path('export_path') -%}
    {%- if path is none -%}
        select 1
    {%- else -%}
        copy (select * from {{ this }} order by contact_id) to '{{ path }}/{{ this.identifier }}.csv' (header, delimiter ',')
    {%- endif -%}
{% endmacro %}
