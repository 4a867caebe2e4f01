-- One row per CRM contact: usable raw rows, one kept per contact_id.
with

valid_rows as (
    select * from {{ ref('base_raw__contacts') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        -- Deterministic winner for a repeated contact_id: the earliest record.
        row_number() over (
            partition by contact_id
            order by created_at, raw_record
        ) as duplicate_rank
    from valid_rows
)

select
    contact_id,
    email,
    created_at,
    email_opt_in,
    time_zone
from ranked
where duplicate_rank = 1
