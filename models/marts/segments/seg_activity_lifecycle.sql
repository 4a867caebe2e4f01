-- One row per contact: the activity lifecycle state (new, current, resurrected,
-- dormant, inactive, never active; rule table in macros/segmentation/activity_lifecycle.sql),
-- with the facts that decided it. Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='activity_lifecycle',
    rule=segment_activity_lifecycle(),
    evidence_columns={
        'first_activity_date': 'date',
        'last_activity_date': 'date',
        'days_since_last_activity': 'bigint',
        'active_days_current_period': 'bigint',
        'active_days_previous_period': 'bigint',
        'active_days_before_previous_period': 'bigint',
    },
) }}
