{#-
    Direct identifiers in the raw data, and how they may leave staging.

    The raw email is the only direct identifier of the raw-data contract. It
    is held by exactly two models, base_raw__contacts and stg_raw__contacts
    (and by the activation lists' email column only when the var
    activation_include_email is true). Everything else carries
    email_sha256 = sha256(lower(trim(email))), the form ad platforms and CRMs
    match on. The quarantine keeps each rejected raw row as text
    (raw_record): there the email is written as sha256:<the same hash>, so a
    rejected contact row can still be matched to a contact, but not read.
    tests/python/test_privacy.py scans every built relation for raw emails.
-#}

{#- Raw columns that hold a direct identifier, per raw table. -#}
{% macro raw_pii_columns(table_name) %}
    {{ return({'contacts': ['email']}.get(table_name, [])) }}
{% endmacro %}


{#- Hex SHA-256 of a normalized (trimmed, lower-cased) email; null when empty. -#}
{% macro email_sha256(expr) -%}
    {{ sha256_hex('lower(' ~ clean_text(expr) ~ ')') }}
{%- endmacro %}


{#- The text of one raw column as raw_record writes it: the value itself, or
    sha256:<hash> for a direct identifier. -#}
{% macro raw_record_value(table_name, column) -%}
    {%- if column in raw_pii_columns(table_name) -%}
        {{ dbt.concat(["'sha256:'", email_sha256(column)]) }}
    {%- else -%}
        {{ column }}
    {%- endif -%}
{%- endmacro %}
