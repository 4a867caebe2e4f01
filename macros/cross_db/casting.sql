{#-
    Cross-engine helpers. Engine differences live only here, behind
    adapter.dispatch; models call the un-prefixed macro.
-#}

{#- Trimmed text, empty or whitespace-only becomes null. -#}
{% macro clean_text(expr) -%}
    nullif(trim(cast({{ expr }} as {{ dbt.type_string() }})), '')
{%- endmacro %}


{#- Parse text to a UTC timestamp (without time zone); null when unparseable.
    Offsets such as +02:00 or Z are honoured; text without a zone is UTC. -#}
{% macro try_cast_timestamp(expr) -%}
    {{ return(adapter.dispatch('try_cast_timestamp', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__try_cast_timestamp(expr) -%}
    {{ dbt.safe_cast(expr, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__try_cast_timestamp(expr) -%}
    (try_cast({{ expr }} as timestamptz) at time zone 'UTC')
{%- endmacro %}


{#- Parse text to a decimal amount; null when not a finite number. -#}
{% macro try_cast_amount(expr) -%}
    {{ return(adapter.dispatch('try_cast_amount', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__try_cast_amount(expr) -%}
    {{ dbt.safe_cast(expr, 'decimal(18, 2)') }}
{%- endmacro %}

{% macro duckdb__try_cast_amount(expr) -%}
    try_cast({{ expr }} as decimal(18, 2))
{%- endmacro %}


{#- Parse text to a boolean: true/false, t/f, yes/no, y/n, 1/0; null otherwise. -#}
{% macro parse_boolean(expr) -%}
    case
        when lower({{ expr }}) in ('true', 't', 'yes', 'y', '1') then true
        when lower({{ expr }}) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}


{#- Hex SHA-256 of a text value. -#}
{% macro sha256_hex(expr) -%}
    {{ return(adapter.dispatch('sha256_hex', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro postgres__sha256_hex(expr) -%}
    encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}


{#- True when a date falls on Saturday or Sunday. -#}
{% macro is_weekend(date_expr) -%}
    {{ return(adapter.dispatch('is_weekend', 'behavioral_segmentation')(date_expr)) }}
{%- endmacro %}

{% macro default__is_weekend(date_expr) -%}
    (extract(dow from {{ date_expr }}) in (0, 6))
{%- endmacro %}

{% macro spark__is_weekend(date_expr) -%}
    (dayofweek({{ date_expr }}) in (1, 7))
{%- endmacro %}


{#- Whole days from start to end (end - start), on dates. -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}


{#- A double-precision float type (dbt.type_float() is single precision on some engines). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}


{#- numerator / denominator as a double, null when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0))
{%- endmacro %}
