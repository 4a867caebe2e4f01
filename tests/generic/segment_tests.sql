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


{#- Every (segmentation_type, segment) pair is defined in segment_definitions. -#}
{% test segment_in_definitions_any_type(model) %}
    select distinct
        rows_.segmentation_type,
        rows_.segment
    from {{ model }} as rows_
    left join {{ ref('segment_definitions') }} as definitions
        on
            rows_.segmentation_type = definitions.segmentation_type
            and rows_.segment = definitions.segment
    where definitions.segment is null
{% endtest %}


{#- Long-form membership has exactly one row per fact contact and type. -#}
{% test membership_is_complete(model) %}
    with

    expected as (
        select
            facts.contact_id,
            types.segmentation_type
        from {{ ref('fct_contact_behavior') }} as facts
        cross join (
            select distinct segmentation_type from {{ ref('segment_definitions') }}
        ) as types
    ),

    actual as (
        select
            contact_id,
            segmentation_type,
            count(*) as row_count
        from {{ model }}
        group by contact_id, segmentation_type
    )

    select
        coalesce(expected.contact_id, actual.contact_id) as contact_id,
        coalesce(expected.segmentation_type, actual.segmentation_type) as segmentation_type
    from expected
    full outer join actual
        on
            expected.contact_id = actual.contact_id
            and expected.segmentation_type = actual.segmentation_type
    where expected.contact_id is null or actual.contact_id is null or actual.row_count <> 1
{% endtest %}


{#- Shares within each group add up to 1 (within 1e-9). With count_column,
    a group whose counts add up to 0 (no member: an empty build, an as-of
    date before any data) must have shares adding up to 0 instead. -#}
{% test shares_add_up_to_one(model, group_by, share_columns, count_column=none) %}
    {%- set expected = "case when sum(" ~ count_column ~ ") > 0 then 1 else 0 end" if count_column is not none
        else "1" %}
    select
        {{ group_by }}
        {%- for column in share_columns %},
            sum({{ column }}) as total_{{ column }}
        {%- endfor %}
    from {{ model }}
    group by {{ group_by }}
    having
        {%- for column in share_columns %}
            abs(sum({{ column }}) - {{ expected }}) > 0.000000001{{ " or" if not loop.last }}
        {%- endfor %}
{% endtest %}
