{#-
    Rows where an SQL expression is false (or null). Used at model level with a
    full expression, or at column level where the expression is appended to
    the column: `expression: ">= 0"`.
-#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not coalesce(({{ column_name ~ " " if column_name is not none else "" }}{{ expression }}), false)
{% endtest %}
