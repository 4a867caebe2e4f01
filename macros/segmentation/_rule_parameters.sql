{#-
    Rule parameters: every var a segment rule reads is declared here once,
    with its kind and bounds. Its default lives only in dbt_project.yml
    (vars:), with the comment a marketer reads. A segmentation type names the
    parameters it reads in `<type>_parameters()` (macros/segmentation/<type>.sql,
    {argument name: var name}); `rule_parameters(type)` reads and validates
    them, and segment_model puts exactly those values in the type's
    rule_version.

    Kinds (keys besides kind):
      int          min, max
      number       min, max (a whole number comes back as int, so it prints
                   as 90, not 90.0)
      number_list  min, whole (true: whole numbers), length_var and
                   length_offset (the list has var(length_var) + offset items),
                   strictly ascending
      choice       choices (a list of strings)
      seed_name    the name of a seed (lower-case letters, digits, underscore)
      boolean
      macro        macro: the name of a macro that reads and validates the
                   var itself and returns its value (a structured var such
                   as occasion_calendar_rules)
-#}
{% macro rule_parameter_specs() %}
    {{ return({
        'quantile_min_population': {'kind': 'int', 'min': 1},
        'fact_window_short_days': {'kind': 'int', 'min': 1},
        'fact_window_medium_days': {'kind': 'int', 'min': 1},
        'fact_window_long_days': {'kind': 'int', 'min': 1},
        'reporting_currency': {'kind': 'macro', 'macro': 'reporting_currency'},
        'lifecycle_period_days': {'kind': 'int', 'min': 1},
        'rhythm_default_gap_days': {'kind': 'int', 'min': 1},
        'rhythm_overdue_gap_multiplier': {'kind': 'number', 'min': 0.1},
        'rhythm_overdue_min_days': {'kind': 'int', 'min': 0},

        'rfm_bins': {'kind': 'int', 'min': 2, 'max': 9},
        'rfm_segment_map': {'kind': 'seed_name'},
        'rfm_fixed_recency_days': {'kind': 'number_list', 'min': 1, 'whole': true,
            'length_var': 'rfm_bins', 'length_offset': -1},
        'rfm_fixed_frequency_days': {'kind': 'number_list', 'min': 2, 'whole': true,
            'length_var': 'rfm_bins', 'length_offset': -1},
        'rfm_fixed_monetary': {'kind': 'number_list', 'min': 0,
            'length_var': 'rfm_bins', 'length_offset': -1},
        'rfm_overdue_max_r_score': {'kind': 'int', 'min': 1, 'max': 9},

        'purchase_deal_min_discount_share': {'kind': 'number', 'min': 0, 'max': 1},
        'purchase_deal_min_orders': {'kind': 'int', 'min': 1},
        'purchase_high_spender_share': {'kind': 'number', 'min': 0, 'max': 1},
        'purchase_high_spender_min_revenue': {'kind': 'number', 'min': 0},
        'purchase_researcher_min_events': {'kind': 'int', 'min': 1},
        'purchase_impulse_max_visits': {'kind': 'int', 'min': 0},
        'purchase_cart_abandon_days': {'kind': 'int', 'min': 1},

        'usage_rate_method': {'kind': 'choice', 'choices': ['quantile', 'fixed']},
        'usage_rate_window': {'kind': 'choice', 'choices': ['short', 'medium', 'long']},
        'usage_heavy_share': {'kind': 'number', 'min': 0, 'max': 1},
        'usage_medium_share': {'kind': 'number', 'min': 0, 'max': 1},
        'usage_heavy_min_events': {'kind': 'int', 'min': 2},
        'usage_medium_min_events': {'kind': 'int', 'min': 1},

        'engagement_unengaged_days': {'kind': 'int', 'min': 1},
        'engagement_graymail_method': {'kind': 'choice', 'choices': ['days', 'sends', 'days_or_sends']},
        'engagement_graymail_sends_never_engaged': {'kind': 'int', 'min': 1},
        'engagement_graymail_sends_engaged': {'kind': 'int', 'min': 1},
        'engagement_high_score': {'kind': 'number', 'min': 0},
        'engagement_engaged_score': {'kind': 'number', 'min': 0},
        'engagement_grace_days': {'kind': 'int', 'min': 0},

        'loyalty_churned_gap_multiplier': {'kind': 'number', 'min': 0.1},
        'loyalty_churned_min_days': {'kind': 'int', 'min': 0},
        'loyalty_loyal_min_purchase_days': {'kind': 'int', 'min': 2},
        'loyalty_loyal_recent_days': {'kind': 'int', 'min': 1},

        'journey_lapse_days': {'kind': 'int', 'min': 1},
        'journey_advocate_min_purchase_days': {'kind': 'int', 'min': 1},

        'benefit_share_threshold': {'kind': 'number', 'min': 0, 'max': 1},
        'benefit_min_orders': {'kind': 'int', 'min': 1},

        'occasion_calendar_rules': {'kind': 'macro', 'macro': 'occasion_calendar_rules'},
        'occasion_holiday_lift': {'kind': 'number', 'min': 1},
        'occasion_holiday_min_days': {'kind': 'int', 'min': 1},
        'occasion_weekend_share': {'kind': 'number', 'min': 0, 'max': 1},
        'occasion_min_purchase_days': {'kind': 'int', 'min': 1},
        'occasion_time_of_day_hours': {'kind': 'macro', 'macro': 'occasion_time_of_day_hours'},
        'occasion_time_of_day_share': {'kind': 'number', 'min': 0, 'max': 1},
        'occasion_time_of_day_min_orders': {'kind': 'int', 'min': 1},
        'reporting_time_zone': {'kind': 'macro', 'macro': 'reporting_time_zone'},
    }) }}
{% endmacro %}


{#- The validated value of one declared rule parameter (var). -#}
{% macro rule_parameter(var_name) %}
    {%- set specs = rule_parameter_specs() -%}
    {%- if var_name not in specs -%}
        {{ exceptions.raise_compiler_error(
            "Rule parameter '" ~ var_name ~ "' is not declared: add it to rule_parameter_specs() in "
            ~ "macros/segmentation/_rule_parameters.sql (kind and bounds) and its default to dbt_project.yml vars.") }}
    {%- endif -%}
    {%- set spec = specs[var_name] -%}
    {%- set kind = spec['kind'] -%}
    {%- if kind == 'int' -%}
        {{ return(config_int(var_name, none, spec.get('min'), spec.get('max'))) }}
    {%- elif kind == 'number' -%}
        {%- set value = config_number(var_name, none, spec.get('min'), spec.get('max')) -%}
        {{ return(value | int if value == value | int else value) }}
    {%- elif kind == 'number_list' -%}
        {%- set length = none -%}
        {%- if spec.get('length_var') -%}
            {%- set length = rule_parameter(spec['length_var']) + spec.get('length_offset', 0) -%}
        {%- endif -%}
        {%- set values = config_number_list(var_name, none, length, spec.get('min'), spec.get('whole', false)) -%}
        {%- set cleaned = [] -%}
        {%- for value in values -%}
            {%- do cleaned.append(value | int if value == value | int else value) -%}
        {%- endfor -%}
        {{ return(cleaned) }}
    {%- elif kind == 'choice' -%}
        {%- set value = var(var_name, none) -%}
        {%- if value not in spec['choices'] -%}
            {{ config_error(var_name, value, spec['choices'] | join(', ')) }}
        {%- endif -%}
        {{ return(value) }}
    {%- elif kind == 'seed_name' -%}
        {%- set value = var(var_name, none) -%}
        {%- if value is not string or not modules.re.fullmatch('[a-z0-9_]+', value) -%}
            {{ config_error(var_name, value, "the name of a seed (lower-case letters, digits, underscore)") }}
        {%- endif -%}
        {{ return(value) }}
    {%- elif kind == 'macro' -%}
        {{ return(context[spec['macro']]()) }}
    {%- elif kind == 'boolean' -%}
        {{ return(config_boolean(var_name)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("rule_parameter_specs(): '" ~ var_name ~ "' has unknown kind " ~ kind) }}
    {%- endif -%}
{% endmacro %}


{#- The parameters of a segmentation type: {argument name: value}, read
    from the vars its `<type>_parameters()` names, validated; `overrides`
    ({argument name: value}, e.g. a macro's kwargs) replace single values. -#}
{% macro rule_parameters(segmentation_type, overrides={}) %}
    {%- set names = rule_parameter_names(segmentation_type) -%}
    {%- set values = {} -%}
    {%- for key in overrides -%}
        {%- if key not in names -%}
            {{ exceptions.raise_compiler_error(
                "segment_" ~ segmentation_type ~ "(): unknown argument " ~ key ~ "; it takes "
                ~ (names.keys() | list | join(', '))) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for argument, var_name in names.items() -%}
        {%- if argument in overrides and overrides[argument] is not none -%}
            {%- do values.update({argument: overrides[argument]}) -%}
        {%- else -%}
            {%- do values.update({argument: rule_parameter(var_name)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(values) }}
{% endmacro %}


{#- {argument name: var name} of a type, from its `<type>_parameters()`;
    none when the type declares none (it still lists rule_inputs). -#}
{% macro rule_parameter_names(segmentation_type) %}
    {%- set declared = context.get(segmentation_type ~ '_parameters') -%}
    {%- if declared is none -%}{{ return(none) }}{%- endif -%}
    {{ return(declared()) }}
{% endmacro %}
