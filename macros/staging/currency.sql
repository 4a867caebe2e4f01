{#-
    One reporting currency (issue 9, item 9). Every staged order amount is in
    the currency named by the var reporting_currency (default USD): an order
    in another currency is converted with its rate to the reporting currency,
    from
      * the var exchange_rates ({EUR: 1.08, GBP: 1.27}: a rate per currency
        code, for one run or a test; it wins over the seed), else
      * the seed seeds/reference/exchange_rates.csv (currency,
        rate_to_reporting; shipped empty, so every order in another currency
        is quarantined until its rate is added).
    The reporting currency itself converts at 1; an order with no currency is
    taken to be in the reporting currency (a one-currency shop often leaves
    the column empty). An order in any other currency without a rate is
    quarantined as unknown_currency (base_raw__orders), counted in
    stg_raw__row_accounting and data_quality_report: it is never summed as if
    it were in the reporting currency.
-#}

{#- The validated reporting currency: an upper-case ISO 4217 code (USD). -#}
{% macro reporting_currency() %}
    {%- set value = var('reporting_currency', 'USD') -%}
    {%- if value is not string or not modules.re.fullmatch('[A-Z]{3}', value) -%}
        {{ config_error('reporting_currency', value,
            "an ISO 4217 currency code in upper case, three letters, for example USD or EUR") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#- The validated var exchange_rates: {code: rate > 0}, {} when unset. -#}
{% macro config_exchange_rates() %}
    {%- set value = var('exchange_rates', none) -%}
    {%- set expected = "a mapping of ISO 4217 codes (upper case) to rates above 0 that convert one unit into "
        ~ "the reporting currency, for example {EUR: 1.08, GBP: 1.27}, or {} / null" -%}
    {%- if value is none -%}{{ return({}) }}{%- endif -%}
    {%- if value is not mapping -%}
        {{ config_error('exchange_rates', value, expected) }}
    {%- endif -%}
    {%- set rates = {} -%}
    {%- for code, rate in value.items() -%}
        {%- if code is not string or not modules.re.fullmatch('[A-Z]{3}', code) or rate is boolean or rate is none
            or not modules.re.fullmatch('[0-9]+([.][0-9]+)?', rate | string | trim) or (rate | float) <= 0 -%}
            {{ config_error('exchange_rates', value, expected) }}
        {%- endif -%}
        {%- if code == reporting_currency() and (rate | float) != 1 -%}
            {{ config_error('exchange_rates', value, "no rate other than 1 for the reporting currency "
                ~ reporting_currency() ~ " (it converts at 1)") }}
        {%- endif -%}
        {%- do rates.update({code: rate | string | trim}) -%}
    {%- endfor -%}
    {{ return(rates) }}
{% endmacro %}


{#- SQL: one row per currency an order may be in (currency, rate_to_reporting):
    the reporting currency at 1, the var's rates, then the seed's other rows. -#}
{% macro exchange_rate_rows() %}
    {%- set reporting = reporting_currency() -%}
    {%- set overrides = config_exchange_rates() -%}
    {%- set excluded = [reporting] + (overrides.keys() | list) %}
    select
        cast('{{ reporting }}' as {{ dbt.type_string() }}) as currency,
        cast(1 as decimal(18, 8)) as rate_to_reporting
    {%- for code, rate in overrides.items() if code != reporting %}
    union all
    select
        cast('{{ code }}' as {{ dbt.type_string() }}) as currency,
        cast({{ rate }} as decimal(18, 8)) as rate_to_reporting
    {%- endfor %}
    union all
    {# a currency the seed names twice with different rates gets none (its
       orders are quarantined; the seed's tests say why), never two #}
    select
        cast(upper(trim(seed_rates.currency)) as {{ dbt.type_string() }}) as currency,
        cast(min(seed_rates.rate_to_reporting) as decimal(18, 8)) as rate_to_reporting
    from {{ ref('exchange_rates') }} as seed_rates
    where
        upper(trim(seed_rates.currency)) not in {{ sql_string_list(excluded) }}
        and seed_rates.rate_to_reporting > 0
    group by upper(trim(seed_rates.currency))
    having min(seed_rates.rate_to_reporting) = max(seed_rates.rate_to_reporting)
{%- endmacro %}
