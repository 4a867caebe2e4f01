{#-
    The shape every activation list shares: the contacts activation_assignment
    put on `list_name` (qualified by the list's rule in
    macros/activation/activation_rules.sql, contactable, the address's one
    list this run, outside the frequency cap), with the fields a marketing
    tool imports: contact id, the SHA-256 of the normalized address, why the
    contact is on the list, which other lists it also qualified for, the
    list's rule_version, segment labels, and the list's evidence columns.
    The raw address is never in a list table: `python -m segkit.export` adds
    it to the exported file only when the build's var activation_include_email
    is true (validated here, so a bad value fails at compile time).
-#}
{% macro activation_list(list_name) %}
{%- do assert_export_path_unset() %}
{%- do config_boolean('activation_include_email', false) %}
{%- set p = activation_list_parameters() %}
{%- set rule = activation_list_rule(list_name, p) %}
with

assignment as (
    select * from {{ ref('activation_assignment') }}
    where assigned_list = '{{ list_name }}'
),

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segments as (
    select * from {{ ref('contact_segments') }}
),

final as (
    select
        cast(assignment.contact_id as {{ dbt.type_string() }}) as contact_id,
        cast('{{ list_name }}' as {{ dbt.type_string() }}) as list_name,
        cast(assignment.as_of_date as date) as as_of_date,
        cast(assignment.email_sha256 as {{ dbt.type_string() }}) as email_sha256,
        cast(assignment.list_reason as {{ dbt.type_string() }}) as list_reason,
        cast(assignment.also_qualified_for as {{ dbt.type_string() }}) as also_qualified_for,
        cast(assignment.rule_version as {{ dbt.type_string() }}) as rule_version,
        cast(segments.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(segments.loyalty_status_segment as {{ dbt.type_string() }}) as loyalty_status_segment,
        cast(segments.engagement_level_segment as {{ dbt.type_string() }}) as engagement_level_segment,
        cast(segments.journey_stage_segment as {{ dbt.type_string() }}) as journey_stage_segment,
        cast(segments.purchase_behavior_segment as {{ dbt.type_string() }}) as purchase_behavior_segment,
        {%- for name, data_type, expression in rule.evidence %}
            cast({{ expression }} as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from assignment
    inner join facts
        on assignment.contact_id = facts.contact_id
    inner join segments
        on assignment.contact_id = segments.contact_id
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
