-- One row per contact: user status (non-user to regular and ex-user; rule in
-- macros/segmentation/user_status.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='user_status',
    rule=segment_user_status(),
    rule_inputs=['user_status_recent_days', 'fact_window_long_days'],
    evidence_columns={
        'purchase_days': 'bigint',
        'days_since_last_purchase': 'bigint',
        'usage_events_long': 'bigint',
        'engagement_events_long': 'bigint',
    },
) }}
