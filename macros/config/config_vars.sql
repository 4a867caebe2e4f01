{#-
    Typed, validated access to project vars.

    Every var that reaches SQL is read through one of these macros, so a
    malformed value stops the build at compile time with a message that names
    the var and the expected form, and nothing a user types is pasted into SQL
    unchecked (dates must be real dates, lists must be simple codes).
-#}

{% macro config_error(name, value, expected) %}
    {{ exceptions.raise_compiler_error(
        "Invalid var '" ~ name ~ "': got " ~ (value | string | truncate(80, True)) ~ ". Expected " ~ expected
        ~ ". Set it in dbt_project.yml or with --vars '{" ~ name ~ ": ...}'."
    ) }}
{% endmacro %}


{#- Retired vars ({name: what to use instead}): any value set for one of
    them stops the build naming the replacement, so an old override is never
    ignored silently. `why` says what replaced them. -#}
{% macro config_retired_vars(retired, why) %}
    {%- for name, instead in retired.items() -%}
        {%- if var(name, none) is not none -%}
            {{ exceptions.raise_compiler_error(
                "Var '" ~ name ~ "' is retired: " ~ why ~ ". Use " ~ instead ~ " instead, and remove it from "
                ~ "--vars / dbt_project.yml.") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro config_int(name, default=none, min_value=none, max_value=none) %}
    {%- set value = var(name, default) -%}
    {%- set expected = "a whole number" ~ (" >= " ~ min_value if min_value is not none else "")
        ~ (" <= " ~ max_value if max_value is not none else "") -%}
    {%- if value is boolean or value is none -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('-?[0-9]+', text) -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- set number = text | int -%}
    {%- if (min_value is not none and number < min_value) or (max_value is not none and number > max_value) -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {{ return(number) }}
{% endmacro %}


{% macro config_number(name, default=none, min_value=none, max_value=none) %}
    {%- set value = var(name, default) -%}
    {%- set expected = "a number" ~ (" >= " ~ min_value if min_value is not none else "")
        ~ (" <= " ~ max_value if max_value is not none else "") -%}
    {%- if value is boolean or value is none -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('-?[0-9]+([.][0-9]+)?', text) -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- set number = text | float -%}
    {%- if (min_value is not none and number < min_value) or (max_value is not none and number > max_value) -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {{ return(number) }}
{% endmacro %}


{% macro parse_iso_date(name, value) %}
    {%- set expected = "a date written 'YYYY-MM-DD' (for example '2026-10-31')" -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- set parts = text.split('-') -%}
    {%- set ns = namespace(ok=true) -%}
    {%- set month = parts[1] | int -%}
    {%- set day = parts[2] | int -%}
    {%- if month < 1 or month > 12 or day < 1 -%}{%- set ns.ok = false -%}{%- endif -%}
    {%- if ns.ok -%}
        {%- set year = parts[0] | int -%}
        {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
        {%- set days_in_month = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
        {%- if day > days_in_month[month - 1] -%}{%- set ns.ok = false -%}{%- endif -%}
    {%- endif -%}
    {%- if not ns.ok -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}


{% macro config_date(name, default=none) %}
    {%- set value = var(name, default) -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {{ return(parse_iso_date(name, value)) }}
{% endmacro %}


{% macro config_code_list(name, default=none) %}
    {#- A non-empty list of lower-case codes ([a-z0-9_]), e.g. shipping methods. -#}
    {%- set value = var(name, default) -%}
    {%- set expected = "a non-empty list of lower-case codes (letters, digits, underscore), for example [express, pickup]" -%}
    {%- if value is string or value is none or value is mapping or (value | length) == 0 -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- for item in value -%}
        {%- if item is not string or not modules.re.fullmatch('[a-z0-9_]+', item) -%}
            {{ config_error(name, value, expected) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(value) }}
{% endmacro %}


{% macro config_path(name) %}
    {#- A folder path: no quotes or control characters, so it is safe in a SQL string. -#}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {%- if value is not string or not modules.re.fullmatch('[^\'"\\\\;\x00-\x1f]+', value) -%}
        {{ config_error(name, value, "a folder path without quotes, backslashes or semicolons") }}
    {%- endif -%}
    {{ return(value.rstrip('/')) }}
{% endmacro %}


{% macro config_relation_name(name) %}
    {#- A relation name: table, schema.table or database.schema.table, each
        part a plain identifier (letters, digits, underscore), so it is safe
        to render unquoted. null = not set. -#}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {%- if value is not string
        or not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*){0,2}', value) -%}
        {{ config_error(name, value, "a relation name such as my_schema.my_table (letters, digits, underscore)") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro config_identifier(name) %}
    {#- A schema or table name: a plain identifier (letters, digits, underscore). null = not set. -#}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {%- if value is not string or not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', value) -%}
        {{ config_error(name, value, "a plain identifier (letters, digits, underscore), for example analytics_raw") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro config_boolean(name, default=none) %}
    {%- set value = var(name, default) -%}
    {%- if value is not boolean -%}
        {{ config_error(name, value, "true or false") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro sql_string_list(values) %}
    {#- Render validated codes as a SQL list: ('a', 'b'). -#}
    ({%- for v in values -%}'{{ v }}'{{ ", " if not loop.last }}{%- endfor -%})
{% endmacro %}


{% macro is_implausible_timestamp(expr) -%}
    {#- True when a parsed timestamp lies outside the plausible range vars. -#}
    ({{ expr }} < cast('{{ config_date("plausible_timestamp_min") }}' as {{ dbt.type_timestamp() }})
        or {{ expr }} >= {{ dbt.dateadd('day', 1, "cast('" ~ config_date("plausible_timestamp_max") ~ "' as " ~ dbt.type_timestamp() ~ ")") }})
{%- endmacro %}


{% macro config_number_list(name, default=none, length=none, min_value=none, whole=false) %}
    {#- A list of numbers in strictly ascending order (cut points), e.g.
        [30, 90, 180, 365]; length: the number of items it must have; whole:
        whole numbers only. Returns the numbers (int when whole, else float). -#}
    {%- set value = var(name, default) -%}
    {%- set expected = "a list of " ~ (length ~ " " if length is not none else "")
        ~ ("whole numbers" if whole else "numbers")
        ~ (" >= " ~ min_value if min_value is not none else "")
        ~ " in strictly ascending order (cut points), for example " ~ (default | string) -%}
    {%- if value is none or value is string or value is mapping or value is number or value is boolean -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- if length is not none and (value | length) != length -%}
        {{ config_error(name, value, expected) }}
    {%- endif -%}
    {%- set numbers = [] -%}
    {%- for item in value -%}
        {%- if item is boolean or item is none -%}
            {{ config_error(name, value, expected) }}
        {%- endif -%}
        {%- set text = item | string | trim -%}
        {%- if not modules.re.fullmatch('-?[0-9]+' if whole else '-?[0-9]+([.][0-9]+)?', text) -%}
            {{ config_error(name, value, expected) }}
        {%- endif -%}
        {%- set number = text | int if whole else text | float -%}
        {%- if (min_value is not none and number < min_value) or (numbers and number <= numbers[-1]) -%}
            {{ config_error(name, value, expected) }}
        {%- endif -%}
        {%- do numbers.append(number) -%}
    {%- endfor -%}
    {{ return(numbers) }}
{% endmacro %}


{% macro plain_number(value) %}
    {#- A validated number as text without a needless '.0' (1000.0 -> 1000, 0.2 -> 0.2), for reasons and SQL. -#}
    {{ return((value | int | string) if value == value | int else (value | string)) }}
{% endmacro %}

