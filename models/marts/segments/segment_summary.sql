-- One row per segmentation type and segment defined in segment_definitions
-- (segments with no contact show zeros): size, revenue, reachability, median
-- recency and frequency, and the niche index (share of revenue over share of
-- contacts; above 1 means the segment earns more than its size).
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

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

members as (
    select
        membership.segmentation_type,
        membership.segment,
        facts.net_revenue,
        facts.is_reachable,
        facts.days_since_last_purchase,
        facts.purchase_days
    from membership
    inner join facts
        on membership.contact_id = facts.contact_id
),

per_segment as (
    select
        segmentation_type,
        segment,
        count(*) as contacts,
        sum(net_revenue) as revenue,
        sum(case when is_reachable then 1 else 0 end) as reachable_contacts,
        {{ median('days_since_last_purchase') }} as median_days_since_last_purchase,
        {{ median('purchase_days') }} as median_purchase_days
    from members
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
        per_segment.median_days_since_last_purchase,
        per_segment.median_purchase_days,
        {{ safe_divide(
            safe_divide('per_segment.revenue', 'per_type.type_revenue'),
            safe_divide('per_segment.contacts', 'per_type.type_contacts')
        ) }} as niche_index
    from definitions
    cross join as_of
    left join per_segment
        on
            definitions.segmentation_type = per_segment.segmentation_type
            and definitions.segment = per_segment.segment
    left join per_type
        on definitions.segmentation_type = per_type.segmentation_type
)

select
    cast(segmentation_type as {{ dbt.type_string() }}) as segmentation_type,
    cast(segment as {{ dbt.type_string() }}) as segment,
    sort_order,
    cast(as_of_date as date) as as_of_date,
    cast(contacts as {{ dbt.type_bigint() }}) as contacts,
    cast(contact_share as {{ type_double() }}) as contact_share,
    cast(revenue as decimal(18, 2)) as revenue,
    cast(revenue_share as {{ type_double() }}) as revenue_share,
    cast(reachable_contacts as {{ dbt.type_bigint() }}) as reachable_contacts,
    cast(reachable_share as {{ type_double() }}) as reachable_share,
    cast(median_days_since_last_purchase as {{ type_double() }}) as median_days_since_last_purchase,
    cast(median_purchase_days as {{ type_double() }}) as median_purchase_days,
    cast(niche_index as {{ type_double() }}) as niche_index
from final
