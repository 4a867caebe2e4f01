{#-
    Direct identifiers in the raw data, and how they may leave staging.

    The raw email is the only direct identifier of the raw-data contract
    (contacts.email, and suppressions.email, the optional global suppression
    list). The contacts' address is held by exactly two models,
    base_raw__contacts and stg_raw__contacts (and by the activation lists'
    email column only when the var activation_include_email is true); the
    suppression list's address by none: base_raw__suppressions hashes it as
    it reads it. Everything else carries email_sha256, the form ad platforms
    and CRMs match on.

    The one normalization of an address (normalized_email below), used for
    the contacts' email, its hash, the suppression list's addresses and the
    hashes of erased contacts' addresses (macros/privacy/erasure.sql), so a
    hash from any of them matches the same address:
      * surrounding whitespace is trimmed: what clean_text trims
        (macros/cross_db/casting.sql): space, tab, line feed, vertical tab,
        form feed, carriage return, NEL (U+0085), no-break space, the
        Unicode space separators U+1680, U+2000 to U+200A, U+2028, U+2029,
        U+202F, U+205F, U+3000, the zero-width space U+200B and the
        byte-order mark U+FEFF; whitespace inside the address is kept;
      * the whole address is lower-cased (local part too: the mailbox
        providers this targets treat it case-insensitively). On PostgreSQL
        with the C collation scripts/postgres.sh uses, lower() folds ASCII
        letters only, as for every lower-cased code of the project;
      * nothing else: no Gmail dot or plus-tag folding, no alias or domain
        rewriting, no Unicode normalization. alice.b+news@gmail.com and
        aliceb@gmail.com are two addresses.
    email_sha256 = the lower-case hex SHA-256 of the UTF-8 bytes of that
    text; an empty address has no hash (null). The quarantine keeps each rejected raw row as text
    (raw_record): there the email is written as sha256:<the same hash>, so a
    rejected contact row can still be matched to a contact, but not read.
    tests/python/test_privacy.py scans every built relation for raw emails.
-#}

{#- Raw columns that hold a direct identifier, per raw table. -#}
{% macro raw_pii_columns(table_name) %}
    {{ return({'contacts': ['email'], 'suppressions': ['email']}.get(table_name, [])) }}
{% endmacro %}


{#- The normalized address (see above): trimmed, lower-cased; null when empty. -#}
{% macro normalized_email(expr) -%}
    lower({{ clean_text(expr) }})
{%- endmacro %}


{#- Hex SHA-256 of the normalized email; null when empty. -#}
{% macro email_sha256(expr) -%}
    {{ sha256_hex(normalized_email(expr)) }}
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
