-- One row per contact: the occasion pattern of the contact's purchases (rule
-- in macros/segmentation/occasion.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='occasion',
    rule=segment_occasion(),
    rule_seeds=['occasion_calendar'],
    evidence_columns={
        'purchase_days': 'bigint',
        'order_count': 'bigint',
        'occasion_purchase_days': 'bigint',
        'occasion_purchase_day_share': 'double',
        'calendar_occasion_day_share': 'double',
        'weekend_purchase_days': 'bigint',
        'weekend_purchase_day_share': 'double',
        'morning_order_share': 'double',
        'daytime_order_share': 'double',
        'evening_order_share': 'double',
        'night_order_share': 'double',
    },
) }}
