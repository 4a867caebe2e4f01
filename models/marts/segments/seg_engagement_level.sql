-- One row per contact: engagement level and reachability (rule table in
-- macros/segmentation/engagement_level.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='engagement_level',
    rule=segment_engagement_level(),
    evidence_columns={
        'is_reachable': 'boolean',
        'unreachable_reason': 'string',
        'has_valid_email': 'boolean',
        'email_opt_in': 'boolean',
        'has_unsubscribed': 'boolean',
        'has_bounced': 'boolean',
        'has_reported_spam': 'boolean',
        'contact_age_days': 'bigint',
        'days_since_last_engagement': 'bigint',
        'email_sends_since_last_engagement': 'bigint',
        'engagement_score': 'double',
    },
) }}
