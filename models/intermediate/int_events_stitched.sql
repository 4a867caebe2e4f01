{{ config(materialized='view') }}
-- One row per staged event, attributed to a contact (directly, or through the
-- identity map for anonymous events) and classified by the event taxonomy.
-- Unknown event types are kept with behavior and category 'unknown'.
with

events as (
    select * from {{ ref('stg_raw__events') }}
),

identity_map as (
    select * from {{ ref('int_identity_map') }}
),

taxonomy as (
    select * from {{ ref('event_taxonomy') }}
),

journey_stages as (
    select * from {{ ref('journey_stages') }}
),

stitched as (
    select
        events.event_id,
        coalesce(events.contact_id, identity_map.contact_id) as contact_id,
        events.anonymous_id,
        events.contact_id is null and identity_map.contact_id is not null as is_stitched,
        events.event_type,
        events.occurred_at,
        events.occurred_date,
        coalesce(events.channel, 'unknown') as channel,
        taxonomy.event_type is not null as is_known_event_type,
        coalesce(taxonomy.behavior, 'unknown') as behavior,
        coalesce(taxonomy.event_category, 'unknown') as event_category,
        coalesce(cast(taxonomy.engagement_weight as {{ dbt.type_numeric() }}), 0) as engagement_weight,
        journey_stages.stage_rank as journey_stage_rank
    from events
    -- Join on anonymous_id alone (an equality DuckDB can hash): an event's own
    -- contact_id still wins through the coalesce above. A left-side filter in
    -- this ON clause made DuckDB fall back to a nested-loop join.
    left join identity_map
        on events.anonymous_id = identity_map.anonymous_id
    left join taxonomy
        on events.event_type = taxonomy.event_type
    left join journey_stages
        on taxonomy.journey_stage = journey_stages.journey_stage
)

select * from stitched
