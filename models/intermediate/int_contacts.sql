-- One row per contact id known anywhere: every CRM contact, plus ids that
-- appear only on events or orders (flagged is_in_crm = false, so they still
-- get facts). Carries no raw email: only its normalized SHA-256 hash, and
-- whether the address passes the syntax test (macros/facts/email_address.sql),
-- which is read here, where the address is, and nowhere else. And whether
-- the address is suppressed (int_address_suppressions: the address, not the
-- record, is the unit of suppression), which the facts' reachability reads.
with

crm_contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

event_contacts as (
    select
        contact_id,
        min(occurred_at) as first_seen_at
    from {{ ref('int_events_stitched') }}
    where contact_id is not null
    group by contact_id
),

order_contacts as (
    select
        contact_id,
        min(ordered_at) as first_seen_at
    from {{ ref('stg_raw__orders') }}
    group by contact_id
),

activity_contacts as (
    select
        contact_id,
        min(first_seen_at) as first_activity_at
    from (
        select
            contact_id,
            first_seen_at
        from event_contacts
        union all
        select
            contact_id,
            first_seen_at
        from order_contacts
    ) as seen
    group by contact_id
),

all_ids as (
    select contact_id from crm_contacts
    union
    select contact_id from activity_contacts
),

address_suppressions as (
    select * from {{ ref('int_address_suppressions') }}
),

final as (
    select
        all_ids.contact_id,
        crm_contacts.contact_id is not null as is_in_crm,
        crm_contacts.created_at,
        crm_contacts.email_opt_in,
        case
            when crm_contacts.email is not null then {{ sha256_hex('crm_contacts.email') }}
        end as email_sha256,
        {{ is_valid_email('crm_contacts.email') }} as has_valid_email,
        -- the address is suppressed through a contact record sharing it (this one or another):
        -- an unsubscribe, bounce or spam complaint, or an erasure
        coalesce(address_suppressions.is_suppressed_by_a_record, false) as is_address_suppressed,
        -- the address is on the global suppression list (raw table suppressions)
        coalesce(address_suppressions.is_on_suppression_list, false) as is_on_suppression_list,
        activity_contacts.first_activity_at,
        case
            when crm_contacts.created_at is null then activity_contacts.first_activity_at
            when activity_contacts.first_activity_at is null then crm_contacts.created_at
            when crm_contacts.created_at < activity_contacts.first_activity_at then crm_contacts.created_at
            else activity_contacts.first_activity_at
        end as first_seen_at
    from all_ids
    left join crm_contacts
        on all_ids.contact_id = crm_contacts.contact_id
    left join activity_contacts
        on all_ids.contact_id = activity_contacts.contact_id
    left join address_suppressions
        on
            crm_contacts.email is not null
            and {{ sha256_hex('crm_contacts.email') }} = address_suppressions.email_sha256
)

select * from final
