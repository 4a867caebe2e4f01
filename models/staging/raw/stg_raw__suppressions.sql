-- One row per address on the global suppression list (grain: email_sha256,
-- the hash of the normalized address: macros/privacy/pii.sql): usable raw
-- rows, one kept per hash. Holds no address, only its hash.
with

valid_rows as (
    select * from {{ ref('base_raw__suppressions') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        min(suppressed_at) over (partition by email_sha256) as first_suppressed_at,
        -- Deterministic winner for a repeated address: the earliest dated
        -- row (undated rows last), then the lowest raw record text.
        row_number() over (
            partition by email_sha256
            order by case when suppressed_at is null then 1 else 0 end, suppressed_at, raw_record
        ) as duplicate_rank
    from valid_rows
)

select
    email_sha256,
    reason,
    first_suppressed_at as suppressed_at
from ranked
where duplicate_rank = 1
