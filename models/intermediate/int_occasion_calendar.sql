-- One row per occasion window (inclusive dates) of the holiday calendar: the
-- windows generated from the rules in the var occasion_calendar_rules for
-- every year of the plausible range (macros/segmentation/occasion_calendar.sql),
-- with the override seed seeds/reference/occasion_calendar.csv applied: for
-- each occasion and year the seed holds, its rows replace the generated ones;
-- an occasion the rules do not know adds windows.
with

generated as (
    {{ occasion_calendar_generated_sql() }}
),

overrides as (
    select
        cast(occasion as {{ dbt.type_string() }}) as occasion,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date
    from {{ ref('occasion_calendar') }}
),

overridden_years as (
    select distinct
        occasion,
        {{ dbt.date_trunc('year', 'start_date') }} as window_year
    from overrides
),

kept as (
    select generated.*
    from generated
    left join overridden_years
        on
            generated.occasion = overridden_years.occasion
            and {{ dbt.date_trunc('year', 'generated.start_date') }} = overridden_years.window_year
    where overridden_years.occasion is null
),

unioned as (
    select
        occasion,
        start_date,
        end_date,
        'rule' as window_source
    from kept
    union all
    select
        occasion,
        start_date,
        end_date,
        'seed' as window_source
    from overrides
),

final as (
    select
        occasion,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(window_source as {{ dbt.type_string() }}) as window_source
    from unioned
)

select * from final
