{#-
    Orders: which raw row of a repeated order_id is the order's state, and
    which orders are purchases. The one place these rules are written (read
    by stg_raw__orders and int_contact_daily_activity; README "Orders:
    refunds, cancellations, zero-value orders").

    The raw contract has no updated_at column, so "the latest state wins" is
    defined from what a row holds. When one order_id arrives more than once
    (a shop exports the order when it completes, and again when it is
    refunded or cancelled), the kept row is the first by:
      1. status precedence: a terminal state outranks completed, so a refund
         or a cancellation that arrives after the completion is never lost
         (whatever the file order or the timestamps):
             refunded > cancelled > completed > any other status
         refunded outranks cancelled: a refund means money was paid and
         returned, the more specific news. A status the var order_statuses
         admits beyond the three (e.g. pending) ranks below completed: it is
         not a terminal state;
      2. then the latest ordered_at (a later copy of the same state is the
         newer record);
      3. then the lowest raw row text (raw_record), so the choice never
         depends on the order rows are read in.
    The kept row is one raw row as received, its ordered_at included; every
    other copy is counted as a duplicate (stg_raw__row_accounting).
-#}

{#- The status precedence, highest first: the list the rank is built from. -#}
{% macro order_status_precedence() %}
    {{ return(['refunded', 'cancelled', 'completed']) }}
{% endmacro %}


{#- 1 for the highest status of order_status_precedence(), then 2, 3, ...;
    any other status ranks after all of them. -#}
{% macro order_status_rank(status_column) -%}
    {%- set precedence = order_status_precedence() -%}
    case {{ status_column }}
        {%- for status in precedence %}
        when '{{ status }}' then {{ loop.index }}
        {%- endfor %}
        else {{ precedence | length + 1 }}
    end
{%- endmacro %}


{#- The order by of the duplicate ranking: the first row is the one kept. -#}
{% macro order_duplicate_precedence(status_column='status', ordered_at_column='ordered_at',
                                    raw_record_column='raw_record') -%}
    {{ order_status_rank(status_column) }}, {{ ordered_at_column }} desc, {{ raw_record_column }}
{%- endmacro %}


{#-
    Is a staged order a purchase? A completed order is; a refunded order is a
    returned purchase (it counts in gross_revenue and the refunded_* facts,
    never as a purchase day, in frequency or in net revenue); a cancelled
    order never was one. A completed order with order_total = 0 (a free
    sample, a 100% coupon) is a purchase day when the var
    zero_value_orders_are_purchases is true (the default: the buy-till-you-die
    models count transactions, not value), and not a purchase at all when it
    is false.
-#}
{% macro zero_value_orders_are_purchases() %}
    {{ return(config_boolean('zero_value_orders_are_purchases', true)) }}
{% endmacro %}

{% macro is_purchase_order(status_column='status', total_column='order_total') -%}
    ({{ status_column }} = 'completed'
    {%- if not zero_value_orders_are_purchases() %} and {{ total_column }} > 0{% endif -%})
{%- endmacro %}
