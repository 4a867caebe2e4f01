-- One row per segmentation type and segment defined in segment_definitions
-- (segments with no contact show zeros). CRM contacts (is_in_crm) and the
-- identities outside the CRM that the facts also count (ids seen only on
-- events or orders) are counted apart: contacts, shares, revenue,
-- reachability, medians and the niche index are over CRM contacts;
-- non_crm_identities and non_crm_revenue are the rest.
--   reachable: the activation lists' own gate (contactability.is_contactable),
--              so the share is the share a list of the segment could reach;
--   medians:   over the segment's CRM buyers (purchase_days > 0), as their
--              names say (_buyers);
--   revenue:   net revenue in the reporting currency (var reporting_currency;
--              orders without a rate are quarantined in staging, never summed).
with

definitions as (
    select * from {{ ref('segment_definitions') }}
),

membership as (
    select * from {{ ref('segment_membership') }}
),

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

contactability as (
    select * from {{ ref('contactability') }}
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

members as (
    select
        membership.segmentation_type,
        membership.segment,
        facts.is_in_crm,
        facts.net_revenue,
        coalesce(contactability.is_contactable, false) as is_contactable,
        case when facts.purchase_days > 0 then facts.days_since_last_purchase end as buyer_days_since_last_purchase,
        case when facts.purchase_days > 0 then facts.purchase_days end as buyer_purchase_days
    from membership
    inner join facts
        on membership.contact_id = facts.contact_id
    left join contactability
        on membership.contact_id = contactability.contact_id
),

crm_members as (
    select * from members
    where is_in_crm
),

per_segment as (
    select
        segmentation_type,
        segment,
        count(*) as contacts,
        sum(net_revenue) as revenue,
        sum(case when is_contactable then 1 else 0 end) as reachable_contacts,
        {{ median('buyer_days_since_last_purchase') }} as median_days_since_last_purchase_buyers,
        {{ median('buyer_purchase_days') }} as median_purchase_days_buyers
    from crm_members
    group by segmentation_type, segment
),

outside_crm as (
    select
        segmentation_type,
        segment,
        count(*) as non_crm_identities,
        sum(net_revenue) as non_crm_revenue
    from members
    where not is_in_crm
    group by segmentation_type, segment
),

per_type as (
    select
        segmentation_type,
        sum(contacts) as type_contacts,
        sum(revenue) as type_revenue
    from per_segment
    group by segmentation_type
),

final as (
    select
        definitions.segmentation_type,
        definitions.segment,
        cast(definitions.sort_order as {{ dbt.type_int() }}) as sort_order,
        as_of.as_of_date,
        coalesce(per_segment.contacts, 0) as contacts,
        coalesce({{ safe_divide('per_segment.contacts', 'per_type.type_contacts') }}, 0) as contact_share,
        coalesce(per_segment.revenue, 0) as revenue,
        coalesce({{ safe_divide('per_segment.revenue', 'per_type.type_revenue') }}, 0) as revenue_share,
        coalesce(per_segment.reachable_contacts, 0) as reachable_contacts,
        coalesce({{ safe_divide('per_segment.reachable_contacts', 'per_segment.contacts') }}, 0)
            as reachable_share,
        per_segment.median_days_since_last_purchase_buyers,
        per_segment.median_purchase_days_buyers,
        {{ safe_divide(
            safe_divide('per_segment.revenue', 'per_type.type_revenue'),
            safe_divide('per_segment.contacts', 'per_type.type_contacts')
        ) }} as niche_index,
        coalesce(outside_crm.non_crm_identities, 0) as non_crm_identities,
        coalesce(outside_crm.non_crm_revenue, 0) as non_crm_revenue
    from definitions
    cross join as_of
    left join per_segment
        on
            definitions.segmentation_type = per_segment.segmentation_type
            and definitions.segment = per_segment.segment
    left join per_type
        on definitions.segmentation_type = per_type.segmentation_type
    left join outside_crm
        on
            definitions.segmentation_type = outside_crm.segmentation_type
            and definitions.segment = outside_crm.segment
)

select
    cast(segmentation_type as {{ dbt.type_string() }}) as segmentation_type,
    cast(segment as {{ dbt.type_string() }}) as segment,
    sort_order,
    cast(as_of_date as date) as as_of_date,
    cast(contacts as {{ dbt.type_bigint() }}) as contacts,
    cast(contact_share as {{ type_double() }}) as contact_share,
    cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency,
    cast(revenue as decimal(18, 2)) as revenue,
    cast(revenue_share as {{ type_double() }}) as revenue_share,
    cast(reachable_contacts as {{ dbt.type_bigint() }}) as reachable_contacts,
    cast(reachable_share as {{ type_double() }}) as reachable_share,
    cast(median_days_since_last_purchase_buyers as {{ type_double() }}) as median_days_since_last_purchase_buyers,
    cast(median_purchase_days_buyers as {{ type_double() }}) as median_purchase_days_buyers,
    cast(niche_index as {{ type_double() }}) as niche_index,
    cast(non_crm_identities as {{ dbt.type_bigint() }}) as non_crm_identities,
    cast(non_crm_revenue as decimal(18, 2)) as non_crm_revenue
from final
