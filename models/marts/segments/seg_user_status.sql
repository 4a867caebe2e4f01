-- One row per contact: user status (non-user to regular and ex-user, judged
-- against the contact's own purchase rhythm; rule table in
-- macros/segmentation/user_status.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='user_status',
    rule=segment_user_status(),
    evidence_columns={
        'purchase_days': 'bigint',
        'days_since_last_purchase': 'bigint',
        'expected_purchase_gap_days': 'double',
        'purchase_overdue_after_days': 'double',
        'usage_events_long': 'bigint',
        'engagement_events_long': 'bigint',
    },
) }}
