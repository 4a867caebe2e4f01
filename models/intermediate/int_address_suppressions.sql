-- One row per suppressed address (grain: email_sha256, the hash of the
-- normalized address: macros/privacy/pii.sql). The address, not the contact
-- record, is the unit of suppression: an address is suppressed on EVERY
-- contact record that shares it when
--   * any record with that address unsubscribed, bounced or reported spam
--     (event behaviors unsubscribe, email_bounce, spam_complaint of the
--     event_taxonomy seed) on or before the as-of date, as the facts read a
--     contact's own events. The taxonomy has no soft/hard bounce
--     distinction: every bounce counts;
--   * a contact record with that address was erased (the erasure requests:
--     int_erased_address_hashes, macros/privacy/erasure.sql; only the hash
--     is kept, never the contact id or the address);
--   * it is on the optional global suppression list (raw table suppressions,
--     stg_raw__suppressions), whatever its suppressed_at.
-- The facts' reachability (fct_contact_behavior, through int_contacts)
-- reads it: address_suppressed / suppression_list.
with

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

contact_addresses as (
    select
        contact_id,
        {{ sha256_hex('email') }} as email_sha256
    from {{ ref('stg_raw__contacts') }}
    where email is not null
),

suppressing_events as (
    select
        events.contact_id,
        events.occurred_at,
        case events.behavior
            when 'unsubscribe' then 'unsubscribed'
            when 'email_bounce' then 'bounced'
            when 'spam_complaint' then 'spam_complaint'
        end as suppression_reason
    from {{ ref('int_events_stitched') }} as events
    cross join as_of
    where
        events.contact_id is not null
        and events.behavior in ('unsubscribe', 'email_bounce', 'spam_complaint')
        and events.occurred_date <= as_of.as_of_date
),

suppressions as (
    select
        contact_addresses.email_sha256,
        suppressing_events.suppression_reason,
        'contact_events' as suppression_source,
        suppressing_events.occurred_at as suppressed_at,
        contact_addresses.contact_id
    from suppressing_events
    inner join contact_addresses
        on suppressing_events.contact_id = contact_addresses.contact_id
    union all
    select
        erased.email_sha256,
        'erased' as suppression_reason,
        'erasure' as suppression_source,
        cast(null as {{ dbt.type_timestamp() }}) as suppressed_at,
        cast(null as {{ dbt.type_string() }}) as contact_id
    from {{ ref('int_erased_address_hashes') }} as erased
    union all
    select
        listed.email_sha256,
        'suppression_list' as suppression_reason,
        'suppression_list' as suppression_source,
        listed.suppressed_at,
        cast(null as {{ dbt.type_string() }}) as contact_id
    from {{ ref('stg_raw__suppressions') }} as listed
),

per_address as (
    select
        email_sha256,
        -- the primary reason: the first of unsubscribed, bounced, spam_complaint, erased, suppression_list
        min(
            case suppression_reason
                when 'unsubscribed' then 1
                when 'bounced' then 2
                when 'spam_complaint' then 3
                when 'erased' then 4
                else 5
            end
        ) as reason_rank,
        max(case when suppression_reason = 'unsubscribed' then 1 else 0 end) = 1 as is_unsubscribed,
        max(case when suppression_reason = 'bounced' then 1 else 0 end) = 1 as is_bounced,
        max(case when suppression_reason = 'spam_complaint' then 1 else 0 end) = 1 as is_spam_complaint,
        max(case when suppression_source = 'erasure' then 1 else 0 end) = 1 as is_erased,
        max(case when suppression_source = 'suppression_list' then 1 else 0 end) = 1 as is_on_suppression_list,
        count(distinct contact_id) as suppressing_records,
        min(suppressed_at) as first_suppressed_at
    from suppressions
    group by email_sha256
),

final as (
    select
        email_sha256,
        case reason_rank
            when 1 then 'unsubscribed'
            when 2 then 'bounced'
            when 3 then 'spam_complaint'
            when 4 then 'erased'
            else 'suppression_list'
        end as suppression_reason,
        {{ dbt.concat([
            "case when is_unsubscribed or is_bounced or is_spam_complaint then 'contact_events' else '' end",
            "case when (is_unsubscribed or is_bounced or is_spam_complaint) and (is_erased or is_on_suppression_list) then ',' else '' end",
            "case when is_erased then 'erasure' else '' end",
            "case when is_erased and is_on_suppression_list then ',' else '' end",
            "case when is_on_suppression_list then 'suppression_list' else '' end",
        ]) }} as suppression_sources,
        is_unsubscribed,
        is_bounced,
        is_spam_complaint,
        is_erased,
        is_on_suppression_list,
        -- suppressed through a contact record (its events or its erasure): address_suppressed on every twin
        is_unsubscribed or is_bounced or is_spam_complaint or is_erased as is_suppressed_by_a_record,
        cast(suppressing_records as {{ dbt.type_bigint() }}) as suppressing_records,
        first_suppressed_at
    from per_address
)

select * from final
