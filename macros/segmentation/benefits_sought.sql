{#-
    Benefits sought: which benefit dominates a contact's completed orders.

    Shares (from the facts, over completed orders):
      price        discounted_order_share   (orders with discount_total > 0)
      quality      premium_order_share      (product_tier in var premium_product_tiers)
      convenience  convenience_order_share  (shipping_method in var convenience_shipping_methods)

    Rule (first match wins; the rule table benefits_sought_rules below):
      insufficient_data  order_count < min_orders (every non-purchaser, and a
                         one-order buyer by default: one order is no habit);
      no_benefit_signal  no order shows any benefit (all three shares 0);
      price / quality / convenience
                         the benefit with the highest share, provided that
                         share >= share_threshold. Ties between equal shares
                         go to the first in the fixed order price, quality,
                         convenience (so an order that is both premium and
                         express counts as quality when the shares are equal);
      mixed              benefits show up, but none reaches share_threshold.

    Args (keyword arguments of segment_benefits_sought; each defaults to its
    var, whose default and comment live in dbt_project.yml and whose bounds
    live in macros/segmentation/_rule_parameters.sql):
      share_threshold  var benefit_share_threshold (0.5), between 0 and 1
      min_orders       var benefit_min_orders (2), completed orders needed, >= 1
-#}
{% macro benefits_sought_parameters() %}
    {{ return({
        'share_threshold': 'benefit_share_threshold',
        'min_orders': 'benefit_min_orders',
    }) }}
{% endmacro %}


{% macro benefits_sought_rules(p) %}
    {%- set price = 'coalesce(discounted_order_share, 0)' -%}
    {%- set quality = 'coalesce(premium_order_share, 0)' -%}
    {%- set convenience = 'coalesce(convenience_order_share, 0)' -%}
    {%- set orders = 'coalesce(order_count, 0)' -%}
    {%- set threshold = p.share_threshold -%}
    {#- Highest share at or above the threshold; on equal shares price beats
        quality and convenience, and quality beats convenience. -#}
    {%- set is_price -%}
        {{ price }} >= {{ threshold }} and {{ price }} >= {{ quality }} and {{ price }} >= {{ convenience }}
    {%- endset -%}
    {%- set is_quality -%}
        {{ quality }} >= {{ threshold }} and {{ quality }} >= {{ convenience }}
    {%- endset -%}
    {%- set is_convenience -%}
        {{ convenience }} >= {{ threshold }}
    {%- endset -%}
    {%- set of_orders = [' of ', reason_int(orders), ' orders '] -%}
    {{ return([
        {'label': 'insufficient_data', 'when': orders ~ ' < ' ~ p.min_orders, 'code': 'too_few_orders',
            'rule': 'fewer than ' ~ p.min_orders ~ ' completed orders',
            'reason': [reason_int(orders), ' of the ', p.min_orders, ' completed orders needed to judge a benefit']},
        {'label': 'no_benefit_signal', 'when': price ~ ' = 0 and ' ~ quality ~ ' = 0 and ' ~ convenience ~ ' = 0',
            'code': 'no_benefit_signal',
            'rule': 'no order discounted, premium or with convenient delivery',
            'reason': ['none of ', reason_int(orders), ' orders discounted, premium or with convenient delivery']},
        {'label': 'price', 'when': is_price, 'code': 'price_dominant',
            'rule': 'at least ' ~ threshold ~ ' of orders discounted, the highest share',
            'reason': [reason_int(price ~ ' * ' ~ orders)] + of_orders + ['discounted (', reason_percent(price), ')']},
        {'label': 'quality', 'when': is_quality, 'code': 'quality_dominant',
            'rule': 'at least ' ~ threshold ~ ' of orders premium, the highest share',
            'reason': [reason_int(quality ~ ' * ' ~ orders)] + of_orders + ['premium (', reason_percent(quality), ')']},
        {'label': 'convenience', 'when': is_convenience, 'code': 'convenience_dominant',
            'rule': 'at least ' ~ threshold ~ ' of orders with express, pickup or digital delivery, the highest share',
            'reason': [reason_int(convenience ~ ' * ' ~ orders)] + of_orders
                + ['with convenient delivery (', reason_percent(convenience), ')']},
        {'label': 'mixed', 'when': 'true', 'code': 'no_benefit_dominant',
            'rule': 'some orders show a benefit, none on ' ~ threshold ~ ' of orders',
            'reason': ['no benefit on ', reason_percent(threshold), of_orders[0], reason_int(orders), ' orders: discounted ',
                reason_percent(price), ', premium ', reason_percent(quality), ', convenient delivery ',
                reason_percent(convenience)]},
    ]) }}
{% endmacro %}


{% macro segment_benefits_sought() %}
    {%- set p = rule_parameters('benefits_sought', kwargs) -%}
    {{ rule_table(benefits_sought_rules(p)) }}
{%- endmacro %}
