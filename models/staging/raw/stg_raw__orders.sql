-- One row per order: usable raw rows, one kept per order_id. A repeated
-- order_id keeps its latest state: the highest status precedence (refunded >
-- cancelled > completed), then the latest ordered_at, then the lowest raw row
-- text; the rule is written once, in macros/staging/order_status.sql.
-- Amounts are in the reporting currency (converted in base_raw__orders).
with

valid_rows as (
    select * from {{ ref('base_raw__orders') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        row_number() over (
            partition by order_id
            order by {{ order_duplicate_precedence('status', 'ordered_at', 'raw_record') }}
        ) as duplicate_rank
    from valid_rows
)

select
    order_id,
    contact_id,
    ordered_at,
    -- the day in the reporting time zone (var reporting_time_zone, default UTC: macros/cross_db/local_time.sql)
    {{ reporting_date('ordered_at') }} as ordered_date,
    -- amounts in the reporting currency (var reporting_currency: macros/staging/currency.sql)
    -- (decimal(18, 2) as the raw amounts were: the case keeps PostgreSQL's column type as it was, numeric)
    case when order_total_reporting is not null then cast(order_total_reporting as decimal(18, 2)) end as order_total,
    coalesce(
        case when discount_total_reporting is not null then cast(discount_total_reporting as decimal(18, 2)) end, 0
    ) as discount_total,
    cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency,
    currency,
    rate_to_reporting,
    order_total as original_order_total,
    coalesce(discount_total, 0) as original_discount_total,
    status,
    shipping_method,
    product_tier
from ranked
where duplicate_rank = 1
