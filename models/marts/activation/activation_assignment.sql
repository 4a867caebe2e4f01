-- One row per contact: which activation lists the contact qualifies for
-- (the rules of macros/activation/activation_rules.sql), the one list it is
-- put on this run, and, when it qualifies but is on none, why it is kept off.
-- The four activation_<list> models select from here, so a contact is on at
-- most one list per run, and so is an address.
--   1. Every list the contact qualifies for, ranked by the priority seed
--      (seeds/activation/activation_list_priority.csv, 1 = first); the
--      others are also_qualified_for, in priority order.
--   2. Kept off, first reason first (held_reason):
--      - the contactability gate: not contactable (its suppression_reason,
--        e.g. unsubscribed, or an address suppressed on another record);
--      - address_on_another_record: another contactable record with the same
--        address is on a list this run (the record with the higher-priority
--        list wins, then the smaller contact_id);
--      - frequency_cap: the address was on a list in an earlier run (an
--        as-of date before this one, in activation_list_history) fewer than
--        activation_min_days_between_lists days ago. Runs of the same as-of
--        date never hold each other, so a rebuild gives the same lists.
{%- set p = activation_list_parameters() %}
{%- set rules = activation_list_rules(p) %}
{%- set history = activation_history_relation(p) %}
{#- the earlier runs of the lists; no rows before the first run or with the cap off -#}
{%- set history_rows = history if history is not none else
    "(select cast(null as " ~ dbt.type_string() ~ ") as email_sha256, cast(null as date) as as_of_date where 1 = 0)" %}
with

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

segments as (
    select * from {{ ref('contact_segments') }}
),

contactability as (
    select * from {{ ref('contactability') }}
),

priority as (
    select * from {{ ref('activation_list_priority') }}
),

previous_lists as (
    select
        earlier_runs.email_sha256,
        earlier_runs.as_of_date
    from {{ history_rows }} as earlier_runs
),

qualified as (
    {%- for rule in rules %}
        select
            facts.contact_id,
            cast('{{ rule.name }}' as {{ dbt.type_string() }}) as list_name,
            {{ reason_sentence(rule.reason) }} as list_reason
        from facts
        inner join segments
            on facts.contact_id = segments.contact_id
        where {{ rule.condition }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

ranked as (
    select
        qualified.contact_id,
        qualified.list_name,
        qualified.list_reason,
        cast(priority.priority as {{ dbt.type_int() }}) as priority,
        row_number() over (
            partition by qualified.contact_id
            order by cast(priority.priority as {{ dbt.type_int() }}), qualified.list_name
        ) as rank_for_contact
    from qualified
    inner join priority
        on qualified.list_name = priority.list_name
),

per_contact as (
    select
        contact_id,
        {%- for rule in rules %}
            max(case when list_name = '{{ rule.name }}' then 1 else 0 end) as qualifies_{{ rule.name }},
        {%- endfor %}
        {%- for rank in range(2, rules | length + 1) %}
            max(case when rank_for_contact = {{ rank }} then list_name end) as list_ranked_{{ rank }},
        {%- endfor %}
        max(case when rank_for_contact = 1 then list_name end) as best_list,
        max(case when rank_for_contact = 1 then list_reason end) as best_list_reason,
        max(case when rank_for_contact = 1 then priority end) as best_priority
    from ranked
    group by contact_id
),

last_listed as (
    select
        previous_lists.email_sha256,
        max(previous_lists.as_of_date) as last_listed_on
    from previous_lists
    cross join as_of
    where previous_lists.as_of_date < as_of.as_of_date
    group by previous_lists.email_sha256
),

-- the contactable records that qualify, ranked within their address
address_ranked as (
    select
        per_contact.contact_id,
        row_number() over (
            partition by facts.email_sha256
            order by per_contact.best_priority, per_contact.contact_id
        ) as rank_for_address
    from per_contact
    inner join facts
        on per_contact.contact_id = facts.contact_id
    inner join contactability
        on per_contact.contact_id = contactability.contact_id
    where contactability.is_contactable
),

gated as (
    select
        facts.contact_id,
        facts.as_of_date,
        facts.email_sha256,
        per_contact.best_list,
        per_contact.best_list_reason,
        {%- for rank in range(2, rules | length + 1) %}
            per_contact.list_ranked_{{ rank }},
        {%- endfor %}
        {%- for rule in rules %}
            coalesce(per_contact.qualifies_{{ rule.name }}, 0) = 1 as qualifies_{{ rule.name }},
        {%- endfor %}
        last_listed.last_listed_on,
        case
            when per_contact.best_list is null then null
            when not contactability.is_contactable then contactability.suppression_reason
            when address_ranked.rank_for_address > 1 then 'address_on_another_record'
            when {{ days_between('last_listed.last_listed_on', 'facts.as_of_date') }} < {{ p.min_days_between_lists }}
                then 'frequency_cap'
        end as held_reason
    from facts
    inner join contactability
        on facts.contact_id = contactability.contact_id
    left join per_contact
        on facts.contact_id = per_contact.contact_id
    left join address_ranked
        on facts.contact_id = address_ranked.contact_id
    left join last_listed
        on facts.email_sha256 = last_listed.email_sha256
),

final as (
    select
        cast(gated.contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(gated.as_of_date as date) as as_of_date,
        cast(gated.email_sha256 as {{ dbt.type_string() }}) as email_sha256,
        {%- for rule in rules %}
            cast(gated.qualifies_{{ rule.name }} as boolean) as qualifies_{{ rule.name }},
        {%- endfor %}
        cast(case when gated.held_reason is null then gated.best_list end as {{ dbt.type_string() }})
            as assigned_list,
        cast(gated.held_reason as {{ dbt.type_string() }}) as held_reason,
        cast(gated.best_list as {{ dbt.type_string() }}) as first_qualified_list,
        cast(gated.best_list_reason as {{ dbt.type_string() }}) as list_reason,
        cast(
            {%- set others = [] %}
            {%- for rank in range(2, rules | length + 1) %}
                {%- do others.append('gated.list_ranked_' ~ rank) %}
            {%- endfor %}
            case
                when {{ others[0] }} is not null
                    then {{ dbt.concat(activation_join_names(others)) }}
            end as {{ dbt.type_string() }}
        ) as also_qualified_for,
        cast(gated.last_listed_on as date) as last_listed_on,
        cast(
            case gated.best_list
                {%- for rule in rules %}
                    when '{{ rule.name }}' then '{{ activation_rule_version(rule, p) }}'
                {%- endfor %}
            end as {{ dbt.type_string() }}
        ) as rule_version
    from gated
)

select * from final
