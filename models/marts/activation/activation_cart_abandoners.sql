{{ config(post_hook="{{ stamp_list_build() }}") }}
{%- set window_days = config_int('activation_cart_window_days', 7, 1) %}
-- One row per contactable contact whose cart or checkout in the last
-- activation_cart_window_days (default 7) days was not followed by a
-- completed order within cart_abandonment_window_hours.
{{ activation_list(
    list_name='cart_abandoners',
    condition="facts.last_abandoned_cart_at is not null and "
        ~ days_between('cast(facts.last_abandoned_cart_at as date)', 'facts.as_of_date') ~ " < " ~ window_days,
    reason=dbt.concat(["'abandoned_cart_on='", "cast(cast(facts.last_abandoned_cart_at as date) as " ~ dbt.type_string() ~ ")"]),
    evidence_columns={
        'last_abandoned_cart_at': dbt.type_timestamp(),
        'abandoned_cart_days': dbt.type_bigint(),
        'last_purchase_at': dbt.type_timestamp(),
    },
) }}
