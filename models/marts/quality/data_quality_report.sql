-- One row per raw table and check (grain: source_table, check_name): how
-- much arrived, where it went (staged, collapsed as a duplicate, quarantined
-- per reason, dropped as an erased contact's row), what was kept but deserves a look (unknown event types, ids
-- missing from the CRM, anonymous events never stitched, rows dated after the
-- as-of date) and how fresh each table is as of the as-of date. Reads staging
-- and intermediate models only; the counts of rows read, staged, collapsed,
-- quarantined and erased are those of stg_raw__row_accounting.
{%- set volume_checks = [
    ('rows_read', 'Rows in the raw table.'),
    ('rows_staged', 'Rows staged: usable, one per key.'),
    ('duplicates_removed', 'Usable rows collapsed into the kept row with the same key.'),
    ('rows_quarantined', 'Rows quarantined, all reasons (stg_raw__quarantine).'),
    ('rows_erased', 'Rows of erased contacts, dropped before staging and held nowhere.'),
] %}
with

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

accounting as (
    select * from {{ ref('stg_raw__row_accounting') }}
),

quarantine_reasons as (
    select
        source_table,
        rejection_reason,
        count(*) as rows_quarantined
    from {{ ref('stg_raw__quarantine') }}
    group by source_table, rejection_reason
),

crm_contacts as (
    select contact_id from {{ ref('stg_raw__contacts') }}
),

-- the staged rows of each table with their timestamp, for the date checks
dated as (
    select
        'contacts' as source_table,
        created_at as dated_at
    from {{ ref('stg_raw__contacts') }}
    union all
    select
        'events' as source_table,
        occurred_at as dated_at
    from {{ ref('stg_raw__events') }}
    union all
    select
        'orders' as source_table,
        ordered_at as dated_at
    from {{ ref('stg_raw__orders') }}
),

source_tables as (
    select 'contacts' as source_table
    union all
    select 'events' as source_table
    union all
    select 'orders' as source_table
),

date_checks as (
    select
        source_tables.source_table,
        sum(case when cast(dated.dated_at as date) > as_of.as_of_date then 1 else 0 end) as rows_after_as_of_date,
        {{ days_between(
            'cast(max(case when cast(dated.dated_at as date) <= as_of.as_of_date then dated.dated_at end) as date)',
            'as_of.as_of_date'
        ) }} as freshness_days
    from source_tables
    cross join as_of
    left join dated
        on source_tables.source_table = dated.source_table
    group by source_tables.source_table, as_of.as_of_date
),

event_checks as (
    select
        sum(case when not events.is_known_event_type then 1 else 0 end) as unknown_event_type_events,
        sum(
            case when events.contact_id is not null and crm_contacts.contact_id is null then 1 else 0 end
        ) as events_contact_not_in_crm,
        sum(case when events.contact_id is null then 1 else 0 end) as anonymous_events_never_stitched
    from {{ ref('int_events_stitched') }} as events
    left join crm_contacts
        on events.contact_id = crm_contacts.contact_id
),

order_checks as (
    select
        sum(case when crm_contacts.contact_id is null then 1 else 0 end) as orders_contact_not_in_crm,
        count(distinct orders.currency) as distinct_currencies
    from {{ ref('stg_raw__orders') }} as orders
    left join crm_contacts
        on orders.contact_id = crm_contacts.contact_id
),

checks as (
    {%- for check_name, description in volume_checks %}
        select
            source_table,
            '{{ check_name }}' as check_name,
            {{ check_name }} as check_value,
            '{{ description }}' as check_description
        from accounting
        union all
    {%- endfor %}

    select
        source_table,
        {{ dbt.concat(["'quarantined_'", 'rejection_reason']) }} as check_name,
        rows_quarantined as check_value,
        {{ dbt.concat(["'Rows quarantined as '", 'rejection_reason', "' (stg_raw__quarantine).'"]) }}
            as check_description
    from quarantine_reasons

    union all
    select
        source_table,
        'rows_after_as_of_date' as check_name,
        coalesce(rows_after_as_of_date, 0) as check_value,
        'Staged rows dated after the as-of date (kept for later as-of builds; no fact reads them).'
            as check_description
    from date_checks

    union all
    select
        source_table,
        'freshness_days' as check_name,
        freshness_days as check_value,
        'Days from the latest staged timestamp on or before the as-of date to the as-of date (null: none).'
            as check_description
    from date_checks

    union all
    select
        'events' as source_table,
        'unknown_event_type_events' as check_name,
        coalesce(unknown_event_type_events, 0) as check_value,
        'Staged events whose event_type is not in the event_taxonomy seed (kept, category unknown).'
            as check_description
    from event_checks
    union all
    select
        'events' as source_table,
        'events_contact_not_in_crm' as check_name,
        coalesce(events_contact_not_in_crm, 0) as check_value,
        'Staged events of a contact (direct or stitched) missing from contacts (kept, is_in_crm = false).'
            as check_description
    from event_checks
    union all
    select
        'events' as source_table,
        'anonymous_events_never_stitched' as check_name,
        coalesce(anonymous_events_never_stitched, 0) as check_value,
        'Staged anonymous events whose anonymous_id no event links to a contact by the as-of date.'
            as check_description
    from event_checks
    union all
    select
        'orders' as source_table,
        'orders_contact_not_in_crm' as check_name,
        coalesce(orders_contact_not_in_crm, 0) as check_value,
        'Staged orders of a contact missing from contacts (kept, is_in_crm = false).' as check_description
    from order_checks
    union all
    select
        'orders' as source_table,
        'distinct_currencies' as check_name,
        distinct_currencies as check_value,
        'Distinct currency codes on staged orders (every amount converted to the var reporting_currency; an order without a rate is quarantined as unknown_currency).'
            as check_description
    from order_checks
)

select
    cast(checks.source_table as {{ dbt.type_string() }}) as source_table,
    cast(checks.check_name as {{ dbt.type_string() }}) as check_name,
    cast(checks.check_value as {{ dbt.type_bigint() }}) as check_value,
    cast(as_of.as_of_date as date) as as_of_date,
    cast(checks.check_description as {{ dbt.type_string() }}) as check_description
from checks
cross join as_of
