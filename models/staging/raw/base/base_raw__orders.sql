-- Every raw order row, typed, with the reason it cannot be used (null when it can).
-- Amounts: text that is not a finite number (abc, NaN, Infinity, 1_000) or
-- does not fit decimal(18, 2) is invalid_amount, and so is an amount above
-- the var plausible_amount_max (out of range: keeps every sum in range).
-- An ordered_at after the build started (plus a day) is future_timestamp (macros/config/build_clock.sql).
-- Currency (macros/staging/currency.sql): amounts are converted to the var
-- reporting_currency (order_total_reporting, discount_total_reporting); an
-- order in another currency without a rate is unknown_currency; no currency
-- means the reporting currency. A converted amount above plausible_amount_max
-- is invalid_amount too.
{%- set amount_max = config_number('plausible_amount_max', none, 0) %}
with

exchange_rates as (
    {{ exchange_rate_rows() }}
),

source as (
    select * from {{ raw_table('orders', validate=true) }} as raw_rows
    -- erased contacts are dropped here, before any model reads them (macros/privacy/erasure.sql)
    where {{ is_not_erased_raw_row('orders', 'raw_rows') }}
),

cleaned as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('ordered_at') }} as ordered_at_text,
        {{ clean_text('order_total') }} as order_total_text,
        {{ clean_text('discount_total') }} as discount_total_text,
        upper({{ clean_text('currency') }}) as currency,
        lower({{ clean_text('status') }}) as status,
        lower({{ clean_text('shipping_method') }}) as shipping_method,
        lower({{ clean_text('product_tier') }}) as product_tier,
        {{ raw_record('orders') }} as raw_record
    from source
),

typed as (
    select
        order_id,
        contact_id,
        {{ try_cast_timestamp('ordered_at_text') }} as ordered_at,
        {{ try_cast_amount('order_total_text') }} as order_total,
        {{ try_cast_amount('discount_total_text') }} as discount_total,
        currency,
        status,
        shipping_method,
        product_tier,
        ordered_at_text,
        order_total_text,
        discount_total_text,
        raw_record
    from cleaned
),

converted as (
    select
        typed.*,
        case when typed.currency is null then 1 else exchange_rates.rate_to_reporting end as rate_to_reporting
    from typed
    left join exchange_rates
        on typed.currency = exchange_rates.currency
),

amounts as (
    select
        *,
        -- wide, so a huge amount times a rate cannot overflow before the range check below
        cast(round(cast(order_total as decimal(38, 2)) * cast(rate_to_reporting as decimal(38, 8)), 2)
            as decimal(38, 2)) as order_total_reporting,
        cast(round(cast(discount_total as decimal(38, 2)) * cast(rate_to_reporting as decimal(38, 8)), 2)
            as decimal(38, 2)) as discount_total_reporting
    from converted
),

validated as (
    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when contact_id is null then 'missing_contact_id'
            when {{ has_control_characters('order_id') }} or {{ has_control_characters('contact_id') }}
                then 'invalid_text'
            when ordered_at_text is null then 'missing_timestamp'
            when ordered_at is null then 'invalid_timestamp'
            when {{ is_implausible_timestamp('ordered_at') }} then 'implausible_timestamp'
            when {{ is_future_timestamp('ordered_at') }} then 'future_timestamp'
            when order_total is null then 'invalid_amount'
            when order_total < 0 then 'negative_amount'
            when order_total > {{ amount_max }} then 'invalid_amount'
            when discount_total_text is not null and discount_total is null then 'invalid_amount'
            when discount_total < 0 then 'negative_amount'
            when discount_total > {{ amount_max }} then 'invalid_amount'
            when status is null or status not in {{ sql_string_list(config_code_list('order_statuses')) }}
                then 'unknown_status'
            when rate_to_reporting is null then 'unknown_currency'
            when order_total_reporting > {{ amount_max }} then 'invalid_amount'
            when discount_total_reporting > {{ amount_max }} then 'invalid_amount'
        end as rejection_reason
    from amounts
)

select * from validated
