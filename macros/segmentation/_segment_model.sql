{#-
    The skeleton every seg_<type> model shares, so each model file holds only
    what is particular to its type: which rule macro it calls (the rule itself
    lives in macros/segmentation/<type>.sql), which vars and seeds the rule
    reads, and the evidence columns it reports.

    segment_model renders
        facts       the facts (default: fct_contact_behavior; `facts` replaces it
                    with a select, e.g. facts joined to a seed);
        segmented   `select facts.*, <rule>` where rule is the column list a
                    rule macro returns (segment, segment_reason, ...), or the
                    whole select given as `segmented` (RFM, which joins a grid);
        final       the standard columns contact_id, as_of_date,
                    segmentation_type, segment, segment_reason (a sentence),
                    reason_code (a stable code), rule_version,
                    then every evidence column cast to its type.

    Args
      segmentation_type  the type, e.g. 'journey_stage'; its rule macro is
                         segment_<type> (macros/segmentation/<type>.sql)
      rule               the SQL of the rule macro's columns, e.g. segment_journey_stage()
      segmented          instead of rule: a whole select over the CTE `facts`
      facts              instead of fct_contact_behavior: a select of the facts
      evidence_columns   {column: type}, type one of string, bigint, int,
                         double, boolean, date, timestamp, money (decimal(18, 2))
      rule_inputs        only for a type not on the rule table yet: the vars
                         its rule reads (a type on the rule table declares
                         them in <type>_parameters(); tested by
                         tests/python/test_rule_provenance.py)
      rule_seeds         seeds the rule reads, besides segment_definitions

    rule_version: the md5 of the rule's parameters and text: the resolved
    value of every var the type declares in <type>_parameters()
    (macros/segmentation/_rule_parameters.sql; a type not yet on the rule
    table lists them in rule_inputs), the text of every macro the rule is
    written in (the type's files macros/segmentation/<type>.sql and
    <type>_*.sql, and the shared macros/segmentation/_*.sql: rule table,
    purchase rhythm, this skeleton), and the rows of the seeds the rule reads (the
    type's rows of segment_definitions, and rule_seeds) as loaded. It is
    computed at compile time, so it is a constant per build: the same rule
    with the same thresholds and seed rows gives the same version on any day
    and engine (values are normalized first; the macro text is the same
    file), and a change of any of them, a threshold or an edit to the rule's
    SQL, gives a new one.
-#}
{% macro segment_model(
    segmentation_type,
    evidence_columns,
    rule=none,
    segmented=none,
    facts=none,
    rule_inputs=[],
    rule_seeds=[]
) %}
{%- set types = {
    'string': dbt.type_string(),
    'bigint': dbt.type_bigint(),
    'int': dbt.type_int(),
    'double': type_double(),
    'boolean': dbt.type_boolean(),
    'date': 'date',
    'timestamp': dbt.type_timestamp(),
    'money': 'decimal(18, 2)',
} -%}
{%- if (rule is none) == (segmented is none) -%}
    {{ exceptions.raise_compiler_error("segment_model('" ~ segmentation_type ~ "'): give either rule or segmented") }}
{%- endif -%}
{%- set version = segment_rule_version(segmentation_type, rule_inputs, rule_seeds) %}
{#- types on the rule table (macros/segmentation/_rule_table.sql) yield reason_code -#}
{%- set has_reason_code = context.get(segmentation_type ~ '_rules') is not none %}
{#- the seeds in the version are parents, so they are loaded before the version is taken -#}
{%- for seed in ['segment_definitions'] + rule_seeds %}
-- depends_on: {{ ref(seed) }}
{%- endfor %}
with

facts as (
    {%- if facts is none %}
    select * from {{ ref('fct_contact_behavior') }}
    {%- else %}
    {{ facts }}
    {%- endif %}
),

segmented as (
    {%- if rule is not none %}
    select
        facts.*,
        {{ rule }}
    from facts
    {%- else %}
    {{ segmented }}
    {%- endif %}
),

final as (
    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast('{{ segmentation_type }}' as {{ dbt.type_string() }}) as segmentation_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(segment_reason as {{ dbt.type_string() }}) as segment_reason,
        {%- if has_reason_code %}
        cast(reason_code as {{ dbt.type_string() }}) as reason_code,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as reason_code,
        {%- endif %}
        cast('{{ version }}' as {{ dbt.type_string() }}) as rule_version,
        {%- for column, type_name in evidence_columns.items() %}
        {%- if type_name not in types %}
            {{ exceptions.raise_compiler_error("segment_model('" ~ segmentation_type ~ "'): evidence column "
                ~ column ~ " has type " ~ type_name ~ "; use one of " ~ (types.keys() | list | join(', '))) }}
        {%- endif %}
        cast({{ column }} as {{ types[type_name] }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from segmented
)

select * from final
{% endmacro %}


{#- The rule_version of a segmentation type (see segment_model). -#}
{% macro segment_rule_version(segmentation_type, rule_inputs=[], rule_seeds=[]) %}
    {%- set inputs = {} -%}
    {%- set names = rule_parameter_names(segmentation_type) -%}
    {%- if names is not none -%}
        {%- for argument, value in rule_parameters(segmentation_type).items() -%}
            {%- do inputs.update({names[argument]: canonical_value(value)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name in rule_inputs -%}
        {%- do inputs.update({name: canonical_value(var(name, none))}) -%}
    {%- endfor -%}
    {#- the text of every macro the rule is written in: the type's own files
        (macros/segmentation/<type>.sql, <type>_*.sql) and the shared ones
        (macros/segmentation/_*.sql: the rule table, the purchase rhythm, ...) -#}
    {%- set texts = {} -%}
    {%- set own = 'macros/segmentation/' ~ segmentation_type -%}
    {%- for name, macro in context.items() -%}
        {%- if macro.macro is defined and macro.macro.original_file_path is defined
            and macro.macro.package_name == project_name -%}
            {%- set path = macro.macro.original_file_path | replace('\\', '/') -%}
            {%- if path == own ~ '.sql' or path.startswith(own ~ '_') or path.startswith('macros/segmentation/_') -%}
                {%- do texts.update({name: local_md5(macro.macro.macro_sql)}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set seeds = {
        'segment_definitions': seed_rows('segment_definitions', "segmentation_type = '" ~ segmentation_type ~ "'"),
    } -%}
    {%- for seed in rule_seeds -%}
        {%- do seeds.update({seed: seed_rows(seed)}) -%}
    {%- endfor -%}
    {%- set fingerprint = tojson(
        {'rule': 'segment_' ~ segmentation_type, 'inputs': inputs, 'macros': texts, 'seeds': seeds}, sort_keys=true) -%}
    {{ return(local_md5(fingerprint)) }}
{% endmacro %}


{#- The rows of a seed as loaded, as sorted lists of canonical values (the
    column names first). Read from the seed's table directly, not through
    ref(), so a unit test's mocked inputs do not change the version
    (segment_model makes each seed a parent with ref(), so a build loads it
    first). null while parsing, in a unit test, and before the seed is
    loaded (e.g. `dbt compile` on an empty database). -#}
{% macro seed_rows(seed_name, where=none) %}
    {#- (a unit test renders without the project graph: its version is not checked) -#}
    {%- if not execute or not graph.get('nodes') -%}{{ return(none) }}{%- endif -%}
    {%- set ns = namespace(node=none) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'seed' and node.name == seed_name and node.package_name == project_name -%}
            {%- set ns.node = node -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.node is none -%}
        {{ exceptions.raise_compiler_error("rule_version: no seed named " ~ seed_name) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(
        database=ns.node.database, schema=ns.node.schema, identifier=ns.node.alias) -%}
    {%- if relation is none -%}{{ return(none) }}{%- endif -%}
    {%- set result = run_query("select * from " ~ relation ~ (" where " ~ where if where else "")) -%}
    {%- set rows = [] -%}
    {%- for row in result.rows -%}
        {%- do rows.append(tojson(canonical_value(row.values() | list))) -%}
    {%- endfor -%}
    {{ return([result.column_names | map('lower') | list] + (rows | sort | list)) }}
{% endmacro %}


{#- A value as the same JSON on every engine: whole numbers as integers
    (5, 5.0, Decimal('5') and '5' alike), other numbers as floats, text
    trimmed, lists element by element. -#}
{% macro canonical_value(value) %}
    {%- if value is none or value is boolean -%}
        {{ return(value) }}
    {%- elif value is number -%}
        {{ return(value | int if value == value | int else value | float) }}
    {%- elif value is string -%}
        {%- set text = value | trim -%}
        {%- if modules.re.fullmatch('-?[0-9]+([.][0-9]+)?', text) -%}
            {{ return(canonical_value(text | float)) }}
        {%- endif -%}
        {{ return(text) }}
    {%- elif value is mapping -%}
        {%- set mapped = {} -%}
        {%- for key, item in value.items() -%}
            {%- do mapped.update({key | string: canonical_value(item)}) -%}
        {%- endfor -%}
        {{ return(mapped) }}
    {%- elif value is iterable -%}
        {%- set items = [] -%}
        {%- for item in value -%}
            {%- do items.append(canonical_value(item)) -%}
        {%- endfor -%}
        {{ return(items) }}
    {%- else -%}
        {{ return(value | string) }}
    {%- endif -%}
{% endmacro %}


{% macro fixed_thresholds_reason(population, min_population) %}
    {#- SQL: the suffix a rule adds to its reason when it fell back from quantiles
        to fixed thresholds, e.g. ';fixed_thresholds:population_4<20'. -#}
    {{ return(dbt.concat([
        "';fixed_thresholds:population_'",
        "cast(" ~ population ~ " as " ~ dbt.type_string() ~ ")",
        "'<" ~ min_population ~ "'",
    ])) }}
{% endmacro %}
