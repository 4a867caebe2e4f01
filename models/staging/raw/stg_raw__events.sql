-- One row per event: usable raw rows, one kept per event_id. Rows after the
-- as-of date stay here (a later as-of build needs them); facts ignore them.
with

valid_rows as (
    select * from {{ ref('base_raw__events') }}
    where rejection_reason is null
),

ranked as (
    select
        *,
        -- Deterministic winner for a repeated event_id: the earliest occurrence,
        -- then the lowest raw record text.
        row_number() over (
            partition by event_id
            order by occurred_at, raw_record
        ) as duplicate_rank
    from valid_rows
)

select
    event_id,
    contact_id,
    anonymous_id,
    event_type,
    occurred_at,
    -- the day in the reporting time zone (var reporting_time_zone, default UTC: macros/cross_db/local_time.sql)
    {{ reporting_date('occurred_at') }} as occurred_date,
    channel,
    properties
from ranked
where duplicate_rank = 1
