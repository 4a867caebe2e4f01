{#-
    The rule table: one ordered list of rules per segmentation type renders
    the label, the reason sentence and the reason code together, so they can
    never drift apart (issue 9, item 10).

    A type's macro file holds
      <type>_parameters()   {argument name: var name} (bounds: _rule_parameters.sql)
      <type>_rules(p)       the ordered rules, given p = rule_parameters('<type>')
      segment_<type>()      rule_table(<type>_rules(p)) plus any derived columns
    (macros/segmentation/loyalty_status.sql is the model to copy).

    A rule is a dict; the first whose `when` holds decides:
      label   the segment label ([a-z0-9_]+), or label_sql: an SQL text
              expression when the label comes from a column
      when    an SQL condition over the facts columns; the last rule's is 'true'
      code    reason_code: a stable machine code ([a-z0-9_]+), unique in the
              type. Codes name the branch, never a threshold value, so a
              CRM filter on a code survives a threshold change.
      rule    the condition in words, with the thresholds in force, for the
              docs (README rule tables: `dbt run-operation print_rule_tables`)
      reason  the reason sentence, a list of parts: literal text, or a value
              from reason_int / reason_decimal / reason_percent / reason_text.
              Keep it short and give the contact's own numbers: "last purchase
              100 days ago; buys every 150 days on average". A null value
              prints as 'unknown'.

    rule_table(rules) renders three select-list columns:
      segment, segment_reason (the sentence), reason_code
    Every engine gets the same text: numbers are rounded as decimals (half
    away from zero) and printed with a fixed number of places.
-#}
{% macro rule_table(rules) %}
    {%- do check_rule_table(rules) -%}
    case
        {%- for rule in rules %}
        when {{ rule['when'] }} then {{ rule_label_sql(rule) }}
        {%- endfor %}
    end as segment,
    case
        {%- for rule in rules %}
        when {{ rule['when'] }} then {{ reason_sentence(rule['reason']) }}
        {%- endfor %}
    end as segment_reason,
    case
        {%- for rule in rules %}
        when {{ rule['when'] }} then '{{ rule["code"] }}'
        {%- endfor %}
    end as reason_code
{%- endmacro %}


{% macro rule_label_sql(rule) %}
    {%- if rule.get('label_sql') -%}
        {{ return(rule['label_sql']) }}
    {%- endif -%}
    {{ return("'" ~ rule['label'] ~ "'") }}
{% endmacro %}


{#- Stops the compile when a rule list is malformed (a missing key, a code
    used twice, no catch-all last rule). -#}
{% macro check_rule_table(rules) %}
    {%- set seen = [] -%}
    {%- if rules | length == 0 -%}
        {{ exceptions.raise_compiler_error("rule_table: no rules") }}
    {%- endif -%}
    {%- for rule in rules -%}
        {%- set where = "rule_table rule " ~ loop.index ~ " (" ~ rule.get('label', rule.get('label_sql', '?')) ~ ")" -%}
        {%- for key in ['when', 'code', 'rule', 'reason'] -%}
            {%- if key not in rule -%}
                {{ exceptions.raise_compiler_error(where ~ ": has no '" ~ key ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if not rule.get('label_sql') and not modules.re.fullmatch('[a-z0-9_]+', rule.get('label', '') | string) -%}
            {{ exceptions.raise_compiler_error(where ~ ": label must be lower-case letters, digits, underscore") }}
        {%- endif -%}
        {%- if not modules.re.fullmatch('[a-z0-9_]+', rule['code'] | string) -%}
            {{ exceptions.raise_compiler_error(where ~ ": code '" ~ rule['code'] ~ "' must be lower-case letters, digits, underscore") }}
        {%- endif -%}
        {%- if rule['code'] in seen -%}
            {{ exceptions.raise_compiler_error(where ~ ": code '" ~ rule['code'] ~ "' is used twice") }}
        {%- endif -%}
        {%- do seen.append(rule['code']) -%}
        {%- if rule['reason'] is string or rule['reason'] is mapping -%}
            {{ exceptions.raise_compiler_error(where ~ ": reason must be a list of parts") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if (rules[-1]['when'] | trim) != 'true' -%}
        {{ exceptions.raise_compiler_error("rule_table: the last rule (" ~ rules[-1]['code'] ~ ") must have when: 'true'") }}
    {%- endif -%}
{% endmacro %}


{#- SQL: the sentence of a reason (a list of parts). -#}
{% macro reason_sentence(parts) %}
    {%- set rendered = [] -%}
    {%- for part in parts -%}
        {%- if part is mapping -%}
            {%- do rendered.append("coalesce(" ~ part['sql'] ~ ", 'unknown')") -%}
        {%- else -%}
            {%- do rendered.append("'" ~ (part | string | replace("'", "''")) ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if rendered | length == 1 -%}
        {{ return(rendered[0]) }}
    {%- endif -%}
    {{ return(dbt.concat(rendered)) }}
{% endmacro %}


{#- Reason parts: a value as text. -#}
{% macro reason_int(expr) %}
    {#- a number rounded to a whole number: 149.6 -> '150' -#}
    {{ return({'sql': "cast(cast(round(cast(" ~ expr ~ " as decimal(38, 6)), 0) as " ~ dbt.type_bigint()
        ~ ") as " ~ dbt.type_string() ~ ")", 'doc': 'N'}) }}
{% endmacro %}

{% macro reason_decimal(expr, places=2) %}
    {#- a number with a fixed number of places: 12.4 -> '12.40' (places=2) -#}
    {{ return({'sql': "cast(cast(round(cast(" ~ expr ~ " as decimal(38, 6)), " ~ places ~ ") as decimal(38, "
        ~ places ~ ")) as " ~ dbt.type_string() ~ ")", 'doc': 'N.' ~ ('N' * places)}) }}
{% endmacro %}

{% macro reason_percent(expr) %}
    {#- a share 0..1 as a whole percent: 0.375 -> '38%' -#}
    {{ return({'sql': dbt.concat([reason_int('100 * (' ~ expr ~ ')')['sql'], "'%'"]), 'doc': 'N%'}) }}
{% endmacro %}

{% macro reason_count(expr, singular, plural=none) %}
    {#- a count with its noun: '1 purchase day', '3 purchase days' (plural:
        default singular + 's') -#}
    {%- set plural = plural or singular ~ 's' -%}
    {{ return({'sql': "case when " ~ expr ~ " = 1 then '1 " ~ singular ~ "' else "
        ~ dbt.concat([reason_int(expr)['sql'], "' " ~ plural ~ "'"]) ~ " end", 'doc': 'N ' ~ plural}) }}
{% endmacro %}

{% macro reason_top_percent(expr) %}
    {#- a rank position 0..1 as "top N%", rounded up (0.081 -> '9%'), so the
        top share is never understated -#}
    {{ return({'sql': dbt.concat([
        "cast(cast(ceil(round(cast(100 * (" ~ expr ~ ") as decimal(38, 10)), 6)) as " ~ dbt.type_bigint()
            ~ ") as " ~ dbt.type_string() ~ ")",
        "'%'"]), 'doc': 'N%'}) }}
{% endmacro %}

{% macro reason_text(expr) %}
    {#- a text value as it is -#}
    {%- set doc = '<' ~ expr ~ '>' if modules.re.fullmatch('[a-z_][a-z0-9_.]*', expr | trim) else '<text>' -%}
    {{ return({'sql': "cast(" ~ expr ~ " as " ~ dbt.type_string() ~ ")", 'doc': doc}) }}
{% endmacro %}


{#- The sentence of a reason as a template for the docs: each value is
    shown as N (a whole number), N.NN, N% or <column>. -#}
{% macro reason_template(parts) %}
    {%- set ns = namespace(text='') -%}
    {%- for part in parts -%}
        {%- set ns.text = ns.text ~ (part.get('doc', 'N') if part is mapping else part | string) -%}
    {%- endfor -%}
    {{ return(ns.text) }}
{% endmacro %}


{#- Markdown: the rule table of every type (label | rule | reason | code),
    with the thresholds in force, for the README and the docs.
    `dbt run-operation print_rule_tables` (types not yet on the rule table
    are listed as such). -#}
{% macro rule_table_markdown(segmentation_type) %}
    {%- set rules_macro = context.get(segmentation_type ~ '_rules') -%}
    {%- if rules_macro is none -%}{{ return(none) }}{%- endif -%}
    {%- set rules = rules_macro(rule_parameters(segmentation_type)) -%}
    {%- set lines = [
        '| label | rule (first match wins) | reason (N = the contact\'s own number) | reason_code |',
        '|---|---|---|---|',
    ] -%}
    {%- for rule in rules -%}
        {%- set label = rule.get('label') or rule.get('label_doc', 'from ' ~ rule.get('label_sql')) -%}
        {%- do lines.append('| `' ~ label ~ '` | ' ~ rule['rule'] ~ ' | ' ~ reason_template(rule['reason'])
            ~ ' | `' ~ rule['code'] ~ '` |') -%}
    {%- endfor -%}
    {{ return(lines | join('\n')) }}
{% endmacro %}

{% macro print_rule_tables() %}
    {%- for segmentation_type in segmentation_types() -%}
        {%- set table = rule_table_markdown(segmentation_type) -%}
        {{ print('#### ' ~ segmentation_type ~ '\n\n' ~ (table if table else '(not on the rule table yet)') ~ '\n') }}
    {%- endfor -%}
{% endmacro %}
