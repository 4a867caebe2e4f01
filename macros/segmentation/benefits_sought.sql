{#-
    Benefits sought: which benefit dominates a contact's completed orders.

    Shares (from the facts, over completed orders):
      price        discounted_order_share   (orders with discount_total > 0)
      quality      premium_order_share      (product_tier in var premium_product_tiers)
      convenience  convenience_order_share  (shipping_method in var convenience_shipping_methods)

    Rule (first match wins):
      insufficient_data  order_count < min_orders (includes every non-purchaser);
      price / quality / convenience
                         the benefit with the highest share, provided that
                         share >= share_threshold. Ties between equal shares
                         go to the first in the fixed order price, quality,
                         convenience (so an order that is both premium and
                         express counts as quality when the shares are equal);
      mixed              purchased, but no share reaches share_threshold.

    Args (default from the var of the same role):
      share_threshold  var benefit_share_threshold (0.5), between 0 and 1
      min_orders       var benefit_min_orders (1), completed orders needed
-#}
{% macro segment_benefits_sought(share_threshold=none, min_orders=none) %}
    {%- set share_threshold = share_threshold if share_threshold is not none
        else config_number('benefit_share_threshold', 0.5, 0, 1) -%}
    {%- set min_orders = min_orders if min_orders is not none
        else config_int('benefit_min_orders', 1, 1) -%}
    {%- set price = 'coalesce(discounted_order_share, 0)' -%}
    {%- set quality = 'coalesce(premium_order_share, 0)' -%}
    {%- set convenience = 'coalesce(convenience_order_share, 0)' -%}
    {#- Highest share at or above the threshold; on equal shares price beats
        quality and convenience, and quality beats convenience. -#}
    {%- set is_price -%}
        {{ price }} >= {{ share_threshold }} and {{ price }} >= {{ quality }} and {{ price }} >= {{ convenience }}
    {%- endset -%}
    {%- set is_quality -%}
        {{ quality }} >= {{ share_threshold }} and {{ quality }} >= {{ convenience }}
    {%- endset -%}
    {%- set is_convenience -%}
        {{ convenience }} >= {{ share_threshold }}
    {%- endset -%}
    case
        when coalesce(order_count, 0) < {{ min_orders }} then 'insufficient_data'
        when {{ is_price }} then 'price'
        when {{ is_quality }} then 'quality'
        when {{ is_convenience }} then 'convenience'
        else 'mixed'
    end as segment,
    case
        when coalesce(order_count, 0) < {{ min_orders }} then 'order_count<{{ min_orders }}'
        when {{ is_price }} then 'price_share>={{ share_threshold }}_and_highest'
        when {{ is_quality }} then 'quality_share>={{ share_threshold }}_and_highest'
        when {{ is_convenience }} then 'convenience_share>={{ share_threshold }}_and_highest'
        else 'no_share>={{ share_threshold }}'
    end as segment_reason
{%- endmacro %}
