-- One row per contact: loyalty status judged against the contact's own
-- purchase rhythm (rule in macros/segmentation/loyalty_status.sql), with the
-- facts that decided it. Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='loyalty_status',
    rule=segment_loyalty_status(),
    evidence_columns={
        'purchase_days': 'bigint',
        'repeat_purchase_days': 'bigint',
        'days_first_to_last_purchase': 'bigint',
        'days_since_last_purchase': 'bigint',
        'expected_gap_days': 'double',
        'at_risk_after_days': 'double',
        'churned_after_days': 'double',
        'review_count': 'bigint',
        'referral_count': 'bigint',
    },
) }}
