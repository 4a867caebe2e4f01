-- One row per contact: heavy / medium / light / non_user by usage events in a
-- trailing window (rule in macros/segmentation/usage_rate.sql), with the facts
-- that decided it. Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='usage_rate',
    rule=segment_usage_rate(),
    evidence_columns={
        'usage_rate_method': 'string',
        'usage_rate_window': 'string',
        'usage_events_in_window': 'bigint',
        'usage_user_rank': 'bigint',
        'usage_user_count': 'bigint',
        'usage_events_short': 'bigint',
        'usage_events_medium': 'bigint',
        'usage_events_long': 'bigint',
    },
) }}
