-- One row: the date the whole build is computed as of. The var as_of_date
-- when set, else the latest date present in the staged raw data: rows dated
-- after the build started are quarantined (future_timestamp), so a typo such
-- as 2031 cannot move it. With no staged dated row at all (empty or fully
-- quarantined tables) it is the day the build started: nothing depends on it.
{%- set as_of_literal = as_of_date_literal() %}
with

events as (
    select max(occurred_date) as latest_date from {{ ref('stg_raw__events') }}
),

orders as (
    select max(ordered_date) as latest_date from {{ ref('stg_raw__orders') }}
),

contacts as (
    select max({{ reporting_date('created_at') }}) as latest_date from {{ ref('stg_raw__contacts') }}
),

latest as (
    select latest_date from events
    union all
    select latest_date from orders
    union all
    select latest_date from contacts
),

final as (
    select
        {{ as_of_literal if as_of_literal is not none
            else "coalesce(max(latest_date), cast(" ~ build_started_at_literal() ~ " as date))" }} as as_of_date,
        max(latest_date) as latest_data_date,
        {{ "true" if as_of_literal is not none else "false" }} as is_as_of_date_from_var
    from latest
)

select * from final
