-- Every raw row of the optional global suppression list (raw table
-- suppressions: a missing file or relation is an empty table), with the
-- address's hash and the reason the row cannot be used (null when it can).
-- The address is PII: it is normalized and hashed here, as the contacts'
-- email is (macros/privacy/pii.sql), and never kept; the quarantine's
-- raw_record writes it as sha256:<hash> too. Reasons, first that applies:
--   missing_address       neither email nor email_sha256 (after trimming)
--   invalid_email         an email that fails the syntax test of macros/facts/email_address.sql
--   invalid_email_sha256  an email_sha256 that is not 64 hex characters (compared lower-cased)
--   email_hash_mismatch   both given, and the hash is not that of the address: which one is meant cannot be guessed
-- suppressed_at is informational: text that does not parse reads as null and the row still suppresses.
with

source as (
    select * from {{ raw_table('suppressions', validate=true) }} as raw_rows
),

cleaned as (
    select
        {{ normalized_email('email') }} as normalized_address,
        lower({{ clean_text('email_sha256') }}) as given_sha256,
        lower({{ clean_text('reason') }}) as reason,
        {{ clean_text('suppressed_at') }} as suppressed_at_text,
        {{ raw_record('suppressions') }} as raw_record
    from source
),

hashed as (
    select
        case when normalized_address is not null then {{ sha256_hex('normalized_address') }} end as address_sha256,
        normalized_address is not null as has_address,
        {{ is_valid_email('normalized_address') }} as has_valid_address,
        given_sha256,
        reason,
        suppressed_at_text,
        raw_record
    from cleaned
),

validated as (
    select
        coalesce(address_sha256, given_sha256) as email_sha256,
        reason,
        {{ try_cast_timestamp('suppressed_at_text') }} as suppressed_at,
        suppressed_at_text,
        raw_record,
        case
            when not has_address and given_sha256 is null then 'missing_address'
            when has_address and not has_valid_address then 'invalid_email'
            when given_sha256 is not null
                and (
                    {{ dbt.length('given_sha256') }} <> 64
                    or {{ dbt.length("translate(given_sha256, '0123456789abcdef', '')") }} > 0
                ) then 'invalid_email_sha256'
            when address_sha256 is not null and given_sha256 is not null and address_sha256 <> given_sha256
                then 'email_hash_mismatch'
        end as rejection_reason
    from hashed
)

select * from validated
