-- One row per order: usable raw rows, one kept per order_id. A repeated
-- order_id keeps its latest state: the highest status precedence (refunded >
-- cancelled > completed), then the latest ordered_at, then the lowest raw row
-- text; the rule is written once, in macros/staging/order_status.sql.
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
    order_total,
    coalesce(discount_total, 0) as discount_total,
    currency,
    status,
    shipping_method,
    product_tier
from ranked
where duplicate_rank = 1
