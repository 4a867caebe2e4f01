-- data_quality_report accounts for every raw row: every raw table has its
-- volume checks, rows_read = rows_staged + duplicates_removed +
-- rows_quarantined + rows_erased, and the quarantined_<reason> rows add up to
-- rows_quarantined. Returns one row per table that does not balance.
with

report as (
    select * from {{ ref('data_quality_report') }}
),

source_tables as (
    select 'contacts' as source_table
    union all
    select 'events' as source_table
    union all
    select 'orders' as source_table
    union all
    -- the optional global suppression list: its volume checks are there even when no file was given
    select 'suppressions' as source_table
),

per_table as (
    select
        source_table,
        sum(case when check_name = 'rows_read' then check_value end) as rows_read,
        sum(case when check_name = 'rows_staged' then check_value end) as rows_staged,
        sum(case when check_name = 'duplicates_removed' then check_value end) as duplicates_removed,
        sum(case when check_name = 'rows_quarantined' then check_value end) as rows_quarantined,
        sum(case when check_name = 'rows_erased' then check_value end) as rows_erased,
        -- 'quarantined_<reason>' (rows_quarantined does not start with it)
        coalesce(sum(case when check_name like 'quarantined_%' then check_value end), 0) as quarantined_by_reason
    from report
    group by source_table
)

select
    source_tables.source_table,
    per_table.rows_read,
    per_table.rows_staged,
    per_table.duplicates_removed,
    per_table.rows_quarantined,
    per_table.rows_erased,
    per_table.quarantined_by_reason
from source_tables
left join per_table
    on source_tables.source_table = per_table.source_table
where
    per_table.rows_read is null
    or per_table.rows_staged is null
    or per_table.duplicates_removed is null
    or per_table.rows_quarantined is null
    or per_table.rows_erased is null
    or per_table.rows_read
    <> per_table.rows_staged + per_table.duplicates_removed + per_table.rows_quarantined + per_table.rows_erased
    or per_table.rows_quarantined <> per_table.quarantined_by_reason
