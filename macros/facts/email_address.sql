{#-
    is_valid_email(expr): SQL, true when the address in expr (trimmed and
    lower-cased by base_raw__contacts) is present and syntactically
    deliverable; false when it is missing or malformed. Read once, by
    int_contacts (has_valid_email), the only place that sees the raw address;
    every reachability decision reads that column
    (fct_contact_behavior.is_reachable / unreachable_reason).

    The syntax test (all must hold):
      - at most 254 characters (the SMTP path limit, RFC 5321)
      - exactly one '@', with at least one character before it
      - after the '@' a domain with a dot that has at least one character on
        each side (so 'bob@', '@example.com', 'ann@localhost' fail)
      - no dot at the start, at the end, next to the '@', or twice in a row
      - no space, no control character and none of , ; : < > ( ) [ ] "
        (characters an address can only carry inside quotes, which
        marketing tools do not accept)
    It is deliberately loose otherwise: plus tags (ann+news@...), subdomains,
    digits, hyphens and long top-level domains pass. It proves the address
    can be written on an envelope, not that the mailbox exists: that is what
    a bounce (has_bounced) tells.

    Portable: LIKE with % and _ only (no escape character), dbt.position and
    dbt.length; the same SQL on DuckDB, PostgreSQL and Spark, no regular
    expression (its flavours differ). The control-character check is the
    project's dispatched has_control_characters (macros/cross_db/casting.sql).
-#}
{% macro is_valid_email(expr) -%}
    {%- set forbidden = [' ', ',', ';', ':', '<', '>', '(', ')', '[', ']', '"'] -%}
    coalesce(
        {{ expr }} is not null
        and {{ dbt.length(expr) }} <= 254
        and {{ expr }} like '_%@%'
        and {{ expr }} not like '%@%@%'
        and {{ expr }} like '%@%_._%'
        and {{ expr }} not like '.%'
        and {{ expr }} not like '%.'
        and {{ expr }} not like '%..%'
        and {{ expr }} not like '%.@%'
        and {{ expr }} not like '%@.%'
        {%- for character in forbidden %}
        and {{ dbt.position("'" ~ character ~ "'", expr) }} = 0
        {%- endfor %}
        and not {{ has_control_characters(expr) }},
        false
    )
{%- endmacro %}
