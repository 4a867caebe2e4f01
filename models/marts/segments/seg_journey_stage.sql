-- One row per contact: the customer journey stage as of the as-of date, from
-- recent activity, and the furthest stage ever reached (rule table in
-- macros/segmentation/journey_stage.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{%- set facts_with_stage %}
    select
        facts.*,
        furthest_stage.journey_stage as max_event_journey_stage,
        recent_stage.journey_stage as recent_event_journey_stage
    from {{ ref('fct_contact_behavior') }} as facts
    left join {{ ref('journey_stages') }} as furthest_stage
        on facts.max_event_journey_stage_rank = furthest_stage.stage_rank
    left join {{ ref('journey_stages') }} as recent_stage
        on facts.recent_event_journey_stage_rank = recent_stage.stage_rank
{%- endset %}
{{ segment_model(
    segmentation_type='journey_stage',
    facts=facts_with_stage,
    rule=segment_journey_stage(),
    rule_seeds=['journey_stages'],
    evidence_columns={
        'furthest_journey_stage': 'string',
        'last_activity_date': 'date',
        'days_since_last_activity': 'bigint',
        'recent_event_journey_stage_rank': 'int',
        'recent_event_journey_stage': 'string',
        'max_event_journey_stage_rank': 'int',
        'max_event_journey_stage': 'string',
        'purchase_days': 'bigint',
        'days_since_last_purchase': 'bigint',
        'expected_purchase_gap_days': 'double',
        'purchase_overdue_after_days': 'double',
        'review_count': 'bigint',
        'referral_count': 'bigint',
    },
) }}
