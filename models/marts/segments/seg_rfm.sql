-- One row per contact: the RFM scores and the named R x F grid cell (rule
-- table in macros/segmentation/rfm.sql, names in the rfm_segment_map seed),
-- with the facts that decided it. Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='rfm',
    segmented=segment_rfm('facts'),
    rule_seeds=[rfm_segment_map_name()],
    evidence_columns={
        'r_score': 'int',
        'f_score': 'int',
        'm_score': 'int',
        'rfm_cell': 'string',
        'days_since_last_purchase': 'bigint',
        'expected_purchase_gap_days': 'double',
        'purchase_overdue_after_days': 'double',
        'purchase_days': 'bigint',
        'net_revenue': 'money',
    },
) }}
