{#-
    Purchase behavior: how a contact buys, one label per contact.

    The rules are one rule table (macros/segmentation/_rule_table.sql):
    label, condition, reason sentence and reason_code side by side in
    purchase_behavior_rules below. First match wins; "buyer" = purchase_days > 0.
      cart_abandoner  has an open abandoned cart (fact open_abandoned_cart_at:
                      the latest cart or checkout, no completed order at or
                      after it, at least cart_abandonment_window_hours before
                      the as-of cut) dated on one of the last
                      cart_abandon_days days (days_ago 0 .. N-1, as the fact
                      windows). Buyer or not. The cart list
                      (activation_cart_abandoners) reads this label.
                      It outranks the purchase patterns on purpose: a fresh
                      abandoned cart is the most time-critical, actionable
                      signal (the cart-abandonment activation list reads this
                      label), and it expires by itself after the window, when
                      the contact falls back to the pattern below.
      deal_seeker     buyer with >= deal_min_orders completed orders and
                      discounted_order_share >= deal_min_discount_share
      high_spender    buyer with net_revenue > 0 in the top
                      high_spender_share of buyers by net_revenue: with at
                      least min_population buyers in the build, cume_dist
                      over the buyers ordered by net_revenue desc (the share
                      of buyers with at least the contact's revenue; equal
                      revenue shares it, so ties always get the same label,
                      and a tie group is in the top share only if all of it
                      fits) <= share, computed over all buyers in the same
                      query (deal seekers included in the population). With
                      fewer buyers (the top 20% of 4 buyers is nobody):
                      net_revenue >= high_spender_min_revenue (fixed
                      threshold), and the reason says so ("fixed threshold:
                      only 4 buyers, fewer than 20"). cume_dist exists on
                      DuckDB, PostgreSQL and Spark; ntile / row_number are
                      not used.
      researcher      research_events_before_first_purchase (product views and
                      content downloads before the first purchase day)
                      >= researcher_min_events
      impulse_buyer   visits_before_first_purchase (visits and product views in
                      the pre_purchase_lookback_days days before the first
                      purchase day) <= impulse_max_visits, and the contact was
                      tracked on the web by the first purchase day (first visit
                      on or before it): a buyer with no tracked web history at
                      all is not evidence of an impulse purchase
      regular_buyer   any other buyer
      non_buyer       everyone else (no purchase, no recent abandoned cart)
    Money is net revenue in the reporting currency (var reporting_currency:
    staging converts every order, macros/staging/currency.sql), and so is
    high_spender_min_revenue.

    Besides segment, segment_reason and reason_code it yields the decisive
    derived values: purchaser_revenue_rank (rank by net_revenue, 1 = highest,
    ties share a rank), purchaser_count, days_since_abandoned_cart.

    Args (keyword arguments of segment_purchase_behavior; each defaults to
    its var, whose default and comment live in dbt_project.yml and whose
    bounds live in macros/segmentation/_rule_parameters.sql):
      deal_min_discount_share  var purchase_deal_min_discount_share (0.5), 0..1
      deal_min_orders          var purchase_deal_min_orders (2), >= 1
      high_spender_share       var purchase_high_spender_share (0.2), 0..1
      high_spender_min_revenue var purchase_high_spender_min_revenue (1000), >= 0: the
                               fixed threshold below min_population buyers
      min_population           var quantile_min_population (20), >= 1
      researcher_min_events    var purchase_researcher_min_events (5), >= 1
      impulse_max_visits       var purchase_impulse_max_visits (1), >= 0
      cart_abandon_days        var purchase_cart_abandon_days (14), >= 1
      currency                 var reporting_currency (USD): named in the reasons
-#}
{% macro purchase_behavior_parameters() %}
    {{ return({
        'deal_min_discount_share': 'purchase_deal_min_discount_share',
        'deal_min_orders': 'purchase_deal_min_orders',
        'high_spender_share': 'purchase_high_spender_share',
        'high_spender_min_revenue': 'purchase_high_spender_min_revenue',
        'min_population': 'quantile_min_population',
        'researcher_min_events': 'purchase_researcher_min_events',
        'impulse_max_visits': 'purchase_impulse_max_visits',
        'cart_abandon_days': 'purchase_cart_abandon_days',
        'currency': 'reporting_currency',
    }) }}
{% endmacro %}


{#- SQL of the derived values the rules and the evidence columns share. -#}
{% macro purchase_behavior_derived(p) %}
    {%- set is_buyer = 'purchase_days > 0' -%}
    {%- set buyer_group = 'case when ' ~ is_buyer ~ ' then 1 else 0 end' -%}
    {{ return({
        'is_buyer': is_buyer,
        'revenue_rank': 'rank() over (partition by ' ~ buyer_group ~ ' order by net_revenue desc)',
        'revenue_position': 'cume_dist() over (partition by ' ~ buyer_group ~ ' order by net_revenue desc)',
        'buyer_count': 'sum(' ~ buyer_group ~ ') over ()',
        'days_since_abandoned_cart': days_between('cast(open_abandoned_cart_at as date)', 'as_of_date'),
    }) }}
{% endmacro %}


{#- Reason part: a share 0..1 as the smallest whole percent it fits in, for
    "top 8%" (0.071 -> '8%'; rounded to 6 places first, so 7/100 is 7%). -#}


{#- Reason parts: a whole number and its noun, "1 order" / "3 orders". -#}


{% macro purchase_behavior_rules(p) %}
    {%- set d = purchase_behavior_derived(p) -%}
    {%- set revenue = ['net revenue ', reason_money('net_revenue'), ' ' ~ p.currency] -%}
    {%- set few_buyers = ['; fixed threshold: only ', reason_int(d.buyer_count), ' buyers, fewer than '
        ~ p.min_population] -%}
    {{ return([
        {'label': 'cart_abandoner', 'code': 'recent_abandoned_cart',
            'when': 'open_abandoned_cart_at is not null and ' ~ d.days_since_abandoned_cart ~ ' < ' ~ p.cart_abandon_days,
            'rule': 'abandoned a cart or checkout in the last ' ~ p.cart_abandon_days ~ ' days, no purchase since',
            'reason': ['abandoned a cart '] + [reason_count(d.days_since_abandoned_cart, 'day')] + [' ago, no purchase since']},
        {'label': 'deal_seeker', 'code': 'mostly_discounted_orders',
            'when': d.is_buyer ~ ' and order_count >= ' ~ p.deal_min_orders
                ~ ' and discounted_order_share >= ' ~ p.deal_min_discount_share,
            'rule': 'at least ' ~ p.deal_min_orders ~ ' orders and at least ' ~ plain_number((100 * p.deal_min_discount_share) | round(1))
                ~ '% of them discounted',
            'reason': [reason_percent('discounted_order_share'), ' of '] + [reason_count('order_count', 'order')]
                + [' discounted']},
        {'label': 'high_spender', 'code': 'top_revenue_share',
            'when': d.is_buyer ~ ' and net_revenue > 0 and ' ~ d.buyer_count ~ ' >= ' ~ p.min_population
                ~ ' and ' ~ d.revenue_position ~ ' <= ' ~ p.high_spender_share,
            'rule': 'net revenue in the top ' ~ plain_number((100 * p.high_spender_share) | round(1)) ~ '% of buyers (at least '
                ~ p.min_population ~ ' buyers; ties share a rank)',
            'reason': revenue + [', top ', reason_top_percent(d.revenue_position), ' of ', reason_int(d.buyer_count),
                ' buyers']},
        {'label': 'high_spender', 'code': 'revenue_above_fixed_threshold',
            'when': d.is_buyer ~ ' and net_revenue > 0 and ' ~ d.buyer_count ~ ' < ' ~ p.min_population
                ~ ' and net_revenue >= ' ~ plain_number(p.high_spender_min_revenue),
            'rule': 'fewer than ' ~ p.min_population ~ ' buyers: net revenue at least '
                ~ plain_number(p.high_spender_min_revenue) ~ ' ' ~ p.currency,
            'reason': revenue + [', at least ', reason_money(plain_number(p.high_spender_min_revenue))] + few_buyers},
        {'label': 'researcher', 'code': 'research_before_first_purchase',
            'when': 'research_events_before_first_purchase >= ' ~ p.researcher_min_events,
            'rule': 'at least ' ~ p.researcher_min_events ~ ' product views or downloads before the first purchase',
            'reason': [reason_count('research_events_before_first_purchase', 'product view or download',
                'product views or downloads')] + [' before the first purchase']},
        {'label': 'impulse_buyer', 'code': 'few_visits_before_first_purchase',
            'when': 'visits_before_first_purchase <= ' ~ p.impulse_max_visits
                ~ ' and cast(first_visit_at as date) <= first_purchase_date',
            'rule': 'at most ' ~ p.impulse_max_visits ~ ' visits before the first purchase (tracked on the web by then)',
            'reason': ['first purchase after '] + [reason_count('visits_before_first_purchase', 'visit')]},
        {'label': 'regular_buyer', 'code': 'purchases_without_pattern', 'when': d.is_buyer,
            'rule': 'any other buyer',
            'reason': [reason_count('order_count', 'order')] + [', '] + revenue + ['; no stronger pattern']},
        {'label': 'non_buyer', 'code': 'no_purchase', 'when': 'true',
            'rule': 'no purchase and no recent abandoned cart',
            'reason': ['no purchase yet']},
    ]) }}
{% endmacro %}


{% macro segment_purchase_behavior() %}
    {%- set p = rule_parameters('purchase_behavior', kwargs) -%}
    {%- set d = purchase_behavior_derived(p) -%}
    case when {{ d.is_buyer }} then {{ d.revenue_rank }} end as purchaser_revenue_rank,
    {{ d.buyer_count }} as purchaser_count,
    {{ d.days_since_abandoned_cart }} as days_since_abandoned_cart,
    {{ rule_table(purchase_behavior_rules(p)) }}
{%- endmacro %}
