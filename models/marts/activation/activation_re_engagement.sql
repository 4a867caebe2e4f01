{{ config(post_hook="{{ stamp_list_build() }}") }}
{%- set inactive_days = config_int('re_engagement_inactive_days', 90, 1) %}
-- One row per contactable subscriber who engaged before but not in the last
-- re_engagement_inactive_days (default 90) days.
{{ activation_list(
    list_name='re_engagement',
    condition="facts.last_engagement_at is not null and facts.days_since_last_engagement >= " ~ inactive_days,
    reason=dbt.concat(["'days_since_last_engagement='", "cast(facts.days_since_last_engagement as " ~ dbt.type_string() ~ ")"]),
    evidence_columns={
        'last_engagement_at': dbt.type_timestamp(),
        'days_since_last_engagement': dbt.type_bigint(),
        'email_sends_since_last_engagement': dbt.type_bigint(),
    },
) }}
