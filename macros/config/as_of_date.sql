{#-
    The project clock. `as_of_date` (a var, 'YYYY-MM-DD') decides what "now"
    is; when it is null the clock is the latest date present in the staged
    raw data (int_as_of_date), so the bundled sample always looks alive.
    Models never read now() or current_date. The build's start time
    (run_started_at, a literal rendered at compile time) decides one thing:
    rows dated more than a day after it are quarantined as future_timestamp
    (macros/config/build_clock.sql), so they cannot move this clock.
-#}

{% macro as_of_date_literal() %}
    {%- set value = config_date('as_of_date') -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {{ return("cast('" ~ value ~ "' as date)") }}
{% endmacro %}
