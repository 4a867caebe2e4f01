-- Journey funnel: how many contacts reached each stage (at any time up to the
-- as-of date) and how many were lost between one stage and the next. Where
-- prospects get stuck is the stage with the largest drop-off.
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

reached as (
    select
        sum(case when first_visit_at is not null or max_event_journey_stage_rank >= 1 then 1 else 0 end)
            as awareness,
        sum(case when max_event_journey_stage_rank >= 2 or purchase_days > 0 then 1 else 0 end) as consideration,
        sum(case when max_event_journey_stage_rank >= 3 or purchase_days > 0 then 1 else 0 end) as decision,
        sum(case when purchase_days > 0 then 1 else 0 end) as customer,
        sum(case when purchase_days >= 2 and review_count + referral_count > 0 then 1 else 0 end) as advocate
    from facts
),

stages as (
    select
        1 as stage_rank,
        'awareness' as journey_stage,
        awareness as contacts
    from reached
    union all
    select
        2 as stage_rank,
        'consideration' as journey_stage,
        consideration as contacts
    from reached
    union all
    select
        3 as stage_rank,
        'decision' as journey_stage,
        decision as contacts
    from reached
    union all
    select
        4 as stage_rank,
        'customer' as journey_stage,
        customer as contacts
    from reached
    union all
    select
        5 as stage_rank,
        'advocate' as journey_stage,
        advocate as contacts
    from reached
),

final as (
    select
        stage_rank,
        journey_stage,
        contacts,
        lag(contacts) over (order by stage_rank) - contacts as lost_from_previous_stage,
        {{ safe_divide('contacts', 'lag(contacts) over (order by stage_rank)') }} as conversion_from_previous_stage
    from stages
)

select * from final
order by stage_rank
