-- One row per contact: the occasion pattern of the contact's purchase days
-- (rule in macros/segmentation/occasion.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='occasion',
    rule=segment_occasion(),
    rule_inputs=['occasion_holiday_share', 'occasion_weekend_share', 'occasion_min_purchase_days'],
    evidence_columns={
        'purchase_days': 'bigint',
        'occasion_purchase_day_share': 'double',
        'weekend_purchase_day_share': 'double',
    },
) }}
