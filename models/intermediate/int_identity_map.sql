-- One row per anonymous_id linked to a contact on or before the as-of date.
-- Rule: an anonymous id belongs to the first contact it was seen with
-- (earliest linking event; ties broken by the lower contact_id). Later links
-- to other contacts are counted in candidate_contacts, not followed.
with

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

events as (
    select * from {{ ref('stg_raw__events') }}
),

links as (
    select
        events.anonymous_id,
        events.contact_id,
        min(events.occurred_at) as first_linked_at
    from events
    cross join as_of
    where
        events.anonymous_id is not null
        and events.contact_id is not null
        and events.occurred_date <= as_of.as_of_date
    group by events.anonymous_id, events.contact_id
),

ranked as (
    select
        anonymous_id,
        contact_id,
        first_linked_at,
        count(*) over (partition by anonymous_id) as candidate_contacts,
        row_number() over (
            partition by anonymous_id
            order by first_linked_at, contact_id
        ) as link_rank
    from links
)

select
    anonymous_id,
    contact_id,
    first_linked_at,
    candidate_contacts,
    candidate_contacts > 1 as has_conflicting_links
from ranked
where link_rank = 1
