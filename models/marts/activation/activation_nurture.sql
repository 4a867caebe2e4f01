{{ config(post_hook="{{ stamp_list_build() }}") }}
{%- set lead_window_days = config_int('nurture_lead_window_days', 180, 1) %}
-- One row per contactable lead: downloaded content or submitted a form in
-- the last nurture_lead_window_days (default 180) days and never purchased.
{{ activation_list(
    list_name='nurture',
    condition="facts.order_count = 0 and facts.last_lead_at is not null and "
        ~ days_between('cast(facts.last_lead_at as date)', 'facts.as_of_date') ~ " < " ~ lead_window_days,
    reason=dbt.concat(["'last_download_or_form_on='", "cast(cast(facts.last_lead_at as date) as " ~ dbt.type_string() ~ ")"]),
    evidence_columns={
        'last_lead_at': dbt.type_timestamp(),
        'content_downloads': dbt.type_bigint(),
        'form_submits': dbt.type_bigint(),
        'order_count': dbt.type_bigint(),
    },
) }}
