-- One row per contact: the benefit the contact's orders show they seek (rule in
-- macros/segmentation/benefits_sought.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='benefits_sought',
    rule=segment_benefits_sought(),
    evidence_columns={
        'order_count': 'bigint',
        'discounted_order_share': 'double',
        'premium_order_share': 'double',
        'convenience_order_share': 'double',
    },
) }}
