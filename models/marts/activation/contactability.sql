-- One row per contact: may marketing email this contact, and if not, why.
-- The single gate every activation list joins; nothing else decides it.
-- Permitted: in the CRM with an email, opted in, never unsubscribed, never
-- bounced, never reported spam. Erased contacts (macros/privacy/erasure.sql)
-- are not suppressed here: they no longer exist in any model, so no list can
-- hold them.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

final as (
    select
        contact_id,
        as_of_date,
        case
            when not is_in_crm or email_sha256 is null then 'no_email'
            when has_unsubscribed then 'unsubscribed'
            when has_bounced then 'bounced'
            when has_reported_spam then 'spam_complaint'
            when email_opt_in is null then 'opt_in_unknown'
            when not email_opt_in then 'no_opt_in'
        end as suppression_reason
    from facts
)

select
    cast(contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(as_of_date as date) as as_of_date,
    cast(suppression_reason is null as boolean) as is_contactable,
    cast(coalesce(suppression_reason, 'contactable') as {{ dbt.type_string() }}) as suppression_reason
from final
