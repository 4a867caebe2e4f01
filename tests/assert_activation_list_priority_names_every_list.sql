-- Every activation list of macros/activation/activation_rules.sql has one row
-- in the priority seed, and the seed names no other list: a list missing
-- there would never be assigned, a stray row would be a typo.
{%- set names = activation_list_rules(activation_list_parameters()) | map(attribute='name') | list %}
with

priority as (
    select list_name from {{ ref('activation_list_priority') }}
),

defined as (
    {%- for name in names %}
        select cast('{{ name }}' as {{ dbt.type_string() }}) as list_name
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

missing as (
    select
        defined.list_name,
        'no row in activation_list_priority' as problem
    from defined
    left join priority
        on defined.list_name = priority.list_name
    where priority.list_name is null
),

stray as (
    select
        priority.list_name,
        'not a list of activation_list_rules()' as problem
    from priority
    left join defined
        on priority.list_name = defined.list_name
    where defined.list_name is null
)

select * from missing
union all
select * from stray
