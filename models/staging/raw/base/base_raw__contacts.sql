-- Every raw contact row, typed, with the reason it cannot be used (null when it can).
-- Control characters in an id are invalid_text (macros/cross_db/casting.sql).
-- A created_at after the build started (plus a day) is future_timestamp (macros/config/build_clock.sql).
-- A time_zone that is not an IANA name of seeds/reference/iana_time_zones.csv
-- (case as written there) is unknown_time_zone: never guessed (macros/cross_db/local_time.sql).
{%- do reporting_time_zone() %}
{%- do check_erasure_share('base_raw__contacts') %}
with

source as (
    select * from {{ raw_table('contacts', validate=true) }} as raw_rows
    -- erased contacts are dropped here, before any model reads them (macros/privacy/erasure.sql)
    where {{ is_not_erased_raw_row('contacts', 'raw_rows') }}
),

cleaned as (
    select
        {{ clean_text('contact_id') }} as contact_id,
        -- the one normalization of an address (macros/privacy/pii.sql)
        {{ normalized_email('email') }} as email,
        {{ clean_text('created_at') }} as created_at_text,
        lower({{ clean_text('email_opt_in') }}) as email_opt_in_text,
        -- optional column: null when the file or relation has none (macros/staging/raw_input.sql)
        {{ clean_text('time_zone') }} as time_zone,
        {{ raw_record('contacts') }} as raw_record
    from source
),

typed as (
    select
        contact_id,
        email,
        {{ try_cast_timestamp('created_at_text') }} as created_at,
        {{ parse_boolean('email_opt_in_text') }} as email_opt_in,
        time_zone,
        created_at_text,
        email_opt_in_text,
        raw_record
    from cleaned
),

zoned as (
    select
        typed.*,
        time_zones.time_zone is not null as is_known_time_zone
    from typed
    left join {{ ref('iana_time_zones') }} as time_zones
        on typed.time_zone = time_zones.time_zone
),

validated as (
    select
        *,
        case
            when contact_id is null then 'missing_contact_id'
            when {{ has_control_characters('contact_id') }} then 'invalid_text'
            when created_at_text is not null and created_at is null then 'invalid_timestamp'
            when {{ is_implausible_timestamp('created_at') }} then 'implausible_timestamp'
            when {{ is_future_timestamp('created_at') }} then 'future_timestamp'
            when email_opt_in_text is not null and email_opt_in is null then 'invalid_boolean'
            when time_zone is not null and not is_known_time_zone then 'unknown_time_zone'
        end as rejection_reason
    from zoned
)

select * from validated
