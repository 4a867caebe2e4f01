{#-
    An amount as text the way a marketer reads it: rounded to cents (half
    away from zero, as decimals round on every engine) and grouped by
    thousands, 1240.5 -> '1,240.50', the same text on DuckDB, PostgreSQL and
    Spark. For reason sentences (reason_money in the rule tables).
-#}
{% macro money_text(expr) -%}
    {{ return(adapter.dispatch('money_text', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__money_text(expr) -%}
    to_char(cast(round(cast({{ expr }} as decimal(38, 6)), 2) as decimal(38, 2)), 'FM999,999,999,999,999,990.00')
{%- endmacro %}

{% macro duckdb__money_text(expr) -%}
    format('{:,.2f}', cast(cast(round(cast({{ expr }} as decimal(38, 6)), 2) as decimal(38, 2)) as double))
{%- endmacro %}

{% macro spark__money_text(expr) -%}
    format_number(cast(round(cast({{ expr }} as decimal(38, 6)), 2) as decimal(38, 2)), 2)
{%- endmacro %}


{#- Rule-table reason part (macros/segmentation/_rule_table.sql): an amount
    as money_text, e.g. net revenue '1,240.00'. -#}
{% macro reason_money(expr) %}
    {{ return({'sql': money_text(expr)}) }}
{% endmacro %}
