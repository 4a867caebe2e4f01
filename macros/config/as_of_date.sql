{#-
    The project clock. `as_of_date` (a var, 'YYYY-MM-DD') decides what "now"
    is; when it is null the clock is the latest date present in the staged
    raw data (int_as_of_date), so the bundled sample always looks alive.
    Models never read now() or current_date.
-#}

{% macro as_of_date_literal() %}
    {%- set value = config_date('as_of_date') -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {{ return("cast('" ~ value ~ "' as date)") }}
{% endmacro %}
