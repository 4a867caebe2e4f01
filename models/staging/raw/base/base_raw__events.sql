-- Every raw event row, typed, with the reason it cannot be used (null when it can).
-- An occurred_at after the build started (plus a day) is future_timestamp (macros/config/build_clock.sql).
with

source as (
    select * from {{ raw_table('events', validate=true) }} as raw_rows
    -- erased contacts are dropped here, before any model reads them (macros/privacy/erasure.sql)
    where {{ is_not_erased_raw_row('events', 'raw_rows') }}
),

cleaned as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id,
        -- a device an erased contact used links nobody (macros/privacy/erasure.sql)
        {{ anonymous_id_unless_erased(clean_text('anonymous_id')) }} as anonymous_id,
        lower({{ clean_text('event_type') }}) as event_type,
        {{ clean_text('occurred_at') }} as occurred_at_text,
        lower({{ clean_text('channel') }}) as channel,
        {{ clean_text('properties') }} as properties,
        {{ raw_record('events') }} as raw_record
    from source
),

typed as (
    select
        event_id,
        contact_id,
        anonymous_id,
        event_type,
        {{ try_cast_timestamp('occurred_at_text') }} as occurred_at,
        channel,
        properties,
        occurred_at_text,
        raw_record
    from cleaned
),

validated as (
    select
        *,
        case
            when event_id is null then 'missing_event_id'
            when {{ has_control_characters('event_id') }}
                or {{ has_control_characters('contact_id') }}
                or {{ has_control_characters('anonymous_id') }} then 'invalid_text'
            when contact_id is null and anonymous_id is null then 'missing_identity'
            when event_type is null then 'missing_event_type'
            when occurred_at_text is null then 'missing_timestamp'
            when occurred_at is null then 'invalid_timestamp'
            when {{ is_implausible_timestamp('occurred_at') }} then 'implausible_timestamp'
            when {{ is_future_timestamp('occurred_at') }} then 'future_timestamp'
        end as rejection_reason
    from typed
)

select * from validated
