{#-
    The shape every activation list shares: the contacts of fct_contact_behavior
    that meet `condition` (SQL over the facts and contact_segments columns,
    aliased facts / segments), minus everyone the contactability gate
    suppresses, with the fields a marketing tool imports: contact id, hashed
    email (raw email only when the var activation_include_email is true),
    segment labels, why the contact is on the list, and the evidence columns.
-#}
{% macro activation_list(list_name, condition, reason, evidence_columns) %}
{%- do assert_export_path_unset() %}
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
    Post-hook of every list (DuckDB): stamp the table with the invocation id
    of the dbt command that wrote it (the table comment). segkit/export.py
    exports a list only when its stamp is the build it checked in
    target/run_results.json, so a database changed after that build (a later
    or killed dbt command that wrote no results, another file) is never
    exported on the strength of the older build's tests. Not an export: the
    lists are written only by segkit/export.py, after the tests. (Were
    persist_docs turned on for these models, it would overwrite the comment:
    the export would then refuse every build, never export an unchecked one.)
-#}
{% macro stamp_list_build() %}
    {{ return(adapter.dispatch('stamp_list_build', 'behavioral_segmentation')()) }}
{% endmacro %}

{% macro default__stamp_list_build() %}
    {#- exporting is DuckDB-only: nothing to stamp elsewhere -#}
{% endmacro %}

{% macro duckdb__stamp_list_build() %}
    comment on table {{ this }} is '{{ list_build_stamp() }}'
{% endmacro %}

{#- The stamp text; segkit/export.py (STAMP_PREFIX) reads the same form. -#}
{% macro list_build_stamp() %}
    {{- return('dbt_invocation_id=' ~ invocation_id) -}}
{% endmacro %}


{#-
    The var export_path is retired. It used to make each list's post-hook
    write <export_path>/<list>.csv right after the list was built, before its
    tests ran, so a failing build overwrote the last good files. The lists
    are now written by `python -m segkit.export --to DIR` after `dbt build`,
    only when every test of the lists and their upstream models passed
    (segkit/export.py). Any value stops the build, so a scheduled command
    that still sets the var fails loudly instead of silently exporting
    nothing. The value is validated first (config_path), as every var is.
-#}
{% macro assert_export_path_unset() %}
    {%- if config_path('export_path') is not none -%}
        {{ exceptions.raise_compiler_error(
            "The var export_path no longer exports the activation lists (it wrote them before their tests "
            ~ "ran). Build, then export what passed: `dbt build && python -m segkit.export --to "
            ~ config_path('export_path') ~ "` (or scripts/build.sh && scripts/export.sh DIR); DuckDB only. "
            ~ "Remove export_path from --vars.") }}
    {%- endif -%}
{% endmacro %}
