{{ config(post_hook="{{ stamp_list_build() }}") }}
{%- set min_purchase_days = config_int('upsell_min_purchase_days', 3, 2) %}
{%- set max_premium_share = config_number('upsell_max_premium_share', 0, 0, 1) %}
-- One row per contactable frequent buyer (loyal or advocate in loyalty
-- status, or at least upsell_min_purchase_days purchase days, default 3) not
-- yet buying premium (premium order share at most upsell_max_premium_share,
-- default 0).
{{ activation_list(
    list_name='upsell',
    condition="(segments.loyalty_status_segment in ('loyal', 'advocate') or facts.purchase_days >= "
        ~ min_purchase_days ~ ") and segments.loyalty_status_segment not in ('at_risk', 'churned')"
        ~ " and coalesce(facts.premium_order_share, 0) <= " ~ max_premium_share,
    reason=dbt.concat(["'purchase_days='", "cast(facts.purchase_days as " ~ dbt.type_string() ~ ")",
        "'; premium_order_share='", "cast(cast(coalesce(facts.premium_order_share, 0) as decimal(5, 2)) as " ~ dbt.type_string() ~ ")"]),
    evidence_columns={
        'purchase_days': dbt.type_bigint(),
        'premium_order_share': type_double(),
        'net_revenue': 'decimal(18, 2)',
    },
) }}
