-- One row per raw row that could not be used, with the reason and the raw row.
with

contacts as (
    select
        'contacts' as source_table,
        contact_id as record_key,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        rejection_reason,
        raw_record
    from {{ ref('base_raw__contacts') }}
    where rejection_reason is not null
),

events as (
    select
        'events' as source_table,
        event_id as record_key,
        contact_id,
        anonymous_id,
        rejection_reason,
        raw_record
    from {{ ref('base_raw__events') }}
    where rejection_reason is not null
),

orders as (
    select
        'orders' as source_table,
        order_id as record_key,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        rejection_reason,
        raw_record
    from {{ ref('base_raw__orders') }}
    where rejection_reason is not null
),

-- the global suppression list: keyed by the address's hash (never the address)
suppressions as (
    select
        'suppressions' as source_table,
        email_sha256 as record_key,
        cast(null as {{ dbt.type_string() }}) as contact_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        rejection_reason,
        raw_record
    from {{ ref('base_raw__suppressions') }}
    where rejection_reason is not null
),

unioned as (
    select * from contacts
    union all
    select * from events
    union all
    select * from orders
    union all
    select * from suppressions
)

select * from unioned
