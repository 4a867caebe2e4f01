-- Suppression by address (models/intermediate/int_address_suppressions.sql):
-- no activation list holds a contact whose address is suppressed (through
-- any contact record sharing it, an erasure, or the global suppression
-- list), and no reachable contact has such an address. Returns one row per
-- offending list row or contact.
{%- set lists = ['activation_cart_abandoners', 'activation_re_engagement', 'activation_upsell',
                 'activation_nurture'] %}
with

suppressed as (
    select email_sha256 from {{ ref('int_address_suppressions') }}
),

offenders as (
    {%- for list_name in lists %}
        select
            '{{ list_name }}' as relation_name,
            listed.contact_id
        from {{ ref(list_name) }} as listed
        inner join suppressed
            on listed.email_sha256 = suppressed.email_sha256
        union all
    {%- endfor %}
    select
        'fct_contact_behavior' as relation_name,
        facts.contact_id
    from {{ ref('fct_contact_behavior') }} as facts
    inner join suppressed
        on facts.email_sha256 = suppressed.email_sha256
    where facts.is_reachable
)

select * from offenders
