-- One row per contact: how the contact buys (rule and precedence in
-- macros/segmentation/purchase_behavior.sql), with the facts that decided it.
-- Skeleton and rule_version: macros/segmentation/_segment_model.sql.
{{ segment_model(
    segmentation_type='purchase_behavior',
    rule=segment_purchase_behavior(),
    evidence_columns={
        'days_since_abandoned_cart': 'bigint',
        'open_abandoned_cart_at': 'timestamp',
        'last_purchase_at': 'timestamp',
        'order_count': 'bigint',
        'discounted_order_share': 'double',
        'net_revenue': 'money',
        'purchaser_revenue_rank': 'bigint',
        'purchaser_count': 'bigint',
        'research_events_before_first_purchase': 'bigint',
        'visits_before_first_purchase': 'bigint',
        'first_visit_at': 'timestamp',
        'first_purchase_date': 'date',
    },
) }}
