-- One row per contact: may marketing email this contact, and if not, why.
-- The single gate every activation list joins; nothing else decides it.
-- It is the facts' reachability (fct_contact_behavior.is_reachable and
-- unreachable_reason), the same definition engagement_level's unreachable
-- and segment_summary's reachable share read: in the CRM with an email that
-- passes the syntax test (macros/facts/email_address.sql), opted in, never
-- unsubscribed, never bounced, never reported spam. Erased contacts
-- (macros/privacy/erasure.sql) are not suppressed here: they no longer exist
-- in any model, so no list can hold them.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
)

select
    cast(contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(as_of_date as date) as as_of_date,
    cast(is_reachable as boolean) as is_contactable,
    cast(coalesce(unreachable_reason, 'contactable') as {{ dbt.type_string() }}) as suppression_reason
from facts
