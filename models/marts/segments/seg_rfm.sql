-- One row per contact: the RFM scores and the named R x F grid cell (rule in
-- macros/segmentation/rfm.sql, names in the rfm_segment_map seed), with the
-- facts that decided it. Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='rfm',
    segmented=segment_rfm('facts'),
    rule_inputs=[
        'rfm_bins', 'rfm_segment_map', 'quantile_min_population',
        'rfm_fixed_recency_days', 'rfm_fixed_frequency_days', 'rfm_fixed_monetary',
    ],
    rule_seeds=[rfm_segment_map_name()],
    evidence_columns={
        'r_score': 'int',
        'f_score': 'int',
        'm_score': 'int',
        'rfm_cell': 'string',
        'days_since_last_purchase': 'bigint',
        'purchase_days': 'bigint',
        'net_revenue': 'money',
    },
) }}
