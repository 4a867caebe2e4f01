{#- Join fan-out guard: the model has exactly as many rows as another relation. -#}
{% test row_count_equals(model, compare_model) %}
    with

    counts as (
        select
            (select count(*) from {{ model }}) as model_rows,
            (select count(*) from {{ compare_model }}) as compare_rows
    )

    select * from counts
    where model_rows <> compare_rows
{% endtest %}
