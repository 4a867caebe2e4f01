-- One row per contact: engagement level and reachability (rule in
-- macros/segmentation/engagement_level.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='engagement_level',
    rule=segment_engagement_level(),
    rule_inputs=[
        'engagement_unengaged_days', 'engagement_graymail_method', 'engagement_graymail_sends_never_engaged',
        'engagement_graymail_sends_engaged', 'engagement_high_score', 'engagement_engaged_score',
    ],
    evidence_columns={
        'is_reachable': 'boolean',
        'email_opt_in': 'boolean',
        'has_unsubscribed': 'boolean',
        'has_bounced': 'boolean',
        'has_reported_spam': 'boolean',
        'days_since_last_engagement': 'bigint',
        'email_sends_since_last_engagement': 'bigint',
        'engagement_score': 'double',
    },
) }}
