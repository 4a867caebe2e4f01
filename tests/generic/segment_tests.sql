{#-
    Generic tests shared by every seg_<type> model.
-#}

{#- Exactly one row per fact contact: no contact missing, none duplicated. -#}
{% test one_row_per_contact(model, column_name='contact_id', facts=none) %}
    {%- set facts_relation = facts if facts is not none else ref('fct_contact_behavior') %}
    with

    counted as (
        select {{ column_name }} as contact_id, count(*) as rows_for_contact
        from {{ model }}
        group by {{ column_name }}
    ),

    expected as (
        select contact_id from {{ facts_relation }}
    ),

    problems as (
        select
            coalesce(expected.contact_id, counted.contact_id) as contact_id,
            coalesce(counted.rows_for_contact, 0) as rows_for_contact
        from expected
        full outer join counted
            on expected.contact_id = counted.contact_id
        where
            counted.contact_id is null
            or expected.contact_id is null
            or counted.rows_for_contact <> 1
    )

    select * from problems
{% endtest %}


{#- Every label of this segmentation type is defined in segment_definitions. -#}
{% test segment_in_definitions(model, column_name, segmentation_type) %}
    with

    definitions as (
        select segment
        from {{ ref('segment_definitions') }}
        where segmentation_type = '{{ segmentation_type }}'
    ),

    labels as (
        select distinct {{ column_name }} as segment
        from {{ model }}
    )

    select labels.segment
    from labels
    left join definitions
        on labels.segment = definitions.segment
    where definitions.segment is null
{% endtest %}
