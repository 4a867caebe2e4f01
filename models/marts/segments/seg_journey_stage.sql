-- One row per contact: the customer journey stage as of the as-of date (rule in
-- macros/segmentation/journey_stage.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{%- set facts_with_stage %}
    select
        facts.*,
        journey_stages.journey_stage as max_event_journey_stage
    from {{ ref('fct_contact_behavior') }} as facts
    left join {{ ref('journey_stages') }} as journey_stages
        on facts.max_event_journey_stage_rank = journey_stages.stage_rank
{%- endset %}
{{ segment_model(
    segmentation_type='journey_stage',
    facts=facts_with_stage,
    rule=segment_journey_stage(),
    rule_inputs=['journey_lapse_days', 'journey_advocate_min_purchase_days'],
    rule_seeds=['journey_stages'],
    evidence_columns={
        'last_activity_date': 'date',
        'days_since_last_activity': 'bigint',
        'max_event_journey_stage_rank': 'int',
        'max_event_journey_stage': 'string',
        'purchase_days': 'bigint',
        'review_count': 'bigint',
        'referral_count': 'bigint',
    },
) }}
