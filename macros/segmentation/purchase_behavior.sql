{#-
    Purchase behavior: how a contact buys, one label per contact.

    Rule (first match wins; "purchaser" = purchase_days > 0):
      cart_abandoner  abandoned a cart or checkout (facts: no completed order
                      within cart_abandonment_window_hours) on one of the last
                      cart_abandon_days days (days_ago 0 .. N-1, as the fact
                      windows) and has not purchased since. Buyer or not.
                      It outranks the purchase patterns on purpose: a fresh
                      abandoned cart is the most time-critical, actionable
                      signal (the cart-abandonment activation list reads this
                      label), and it expires by itself after the window, when
                      the contact falls back to the pattern below.
      deal_seeker     purchaser with >= deal_min_orders completed orders and
                      discounted_order_share >= deal_min_discount_share
      high_spender    purchaser with net_revenue > 0 in the top
                      high_spender_share of purchasers by net_revenue: with at
                      least min_population purchasers in the build, cume_dist
                      over the purchasers ordered by net_revenue desc (the
                      share of purchasers with at least the contact's revenue;
                      equal revenue shares it, so ties always get the same
                      label, and a tie group is in the top share only if all
                      of it fits) <= share, computed over all purchasers in
                      the same query (deal seekers included in the
                      population). With fewer purchasers (the top 20% of 4
                      buyers is nobody): net_revenue >= high_spender_min_revenue
                      (fixed threshold), and the reason ends with
                      ';fixed_thresholds:population_<purchasers><<min_population>'.
                      cume_dist exists on DuckDB, PostgreSQL and Spark;
                      ntile / row_number are not used.
      researcher      research_events_before_first_purchase (product views and
                      content downloads before the first purchase day)
                      >= researcher_min_events
      impulse_buyer   visits_before_first_purchase (visits and product views in
                      the pre_purchase_lookback_days days before the first
                      purchase day) <= impulse_max_visits, and the contact was
                      tracked on the web by the first purchase day (first visit
                      on or before it): a buyer with no tracked web history at
                      all is not evidence of an impulse purchase
      regular_buyer   any other purchaser
      non_buyer       everyone else (no purchase, no recent abandoned cart)

    Besides segment and segment_reason it yields the decisive derived values:
    purchaser_revenue_rank (rank by net_revenue, 1 = highest, ties share a
    rank), purchaser_count, days_since_abandoned_cart.

    Args (default from the var of the same role):
      deal_min_discount_share  var purchase_deal_min_discount_share (0.5), 0..1
      deal_min_orders          var purchase_deal_min_orders (2), >= 1
      high_spender_share       var purchase_high_spender_share (0.2), 0..1
      high_spender_min_revenue var purchase_high_spender_min_revenue (1000), >= 0: the
                               fixed threshold below min_population purchasers
      min_population           var quantile_min_population (20), >= 1
      researcher_min_events    var purchase_researcher_min_events (5), >= 1
      impulse_max_visits       var purchase_impulse_max_visits (1), >= 0
      cart_abandon_days        var purchase_cart_abandon_days (14), >= 1
-#}
{% macro segment_purchase_behavior(
    deal_min_discount_share=none,
    deal_min_orders=none,
    high_spender_share=none,
    high_spender_min_revenue=none,
    min_population=none,
    researcher_min_events=none,
    impulse_max_visits=none,
    cart_abandon_days=none
) %}
    {%- set deal_min_discount_share = deal_min_discount_share if deal_min_discount_share is not none
        else config_number('purchase_deal_min_discount_share', 0.5, 0, 1) -%}
    {%- set deal_min_orders = deal_min_orders if deal_min_orders is not none
        else config_int('purchase_deal_min_orders', 2, 1) -%}
    {%- set high_spender_share = high_spender_share if high_spender_share is not none
        else config_number('purchase_high_spender_share', 0.2, 0, 1) -%}
    {%- set high_spender_min_revenue = high_spender_min_revenue if high_spender_min_revenue is not none
        else config_number('purchase_high_spender_min_revenue', 1000, 0) -%}
    {%- set min_population = min_population if min_population is not none
        else config_int('quantile_min_population', 20, 1) -%}
    {%- set researcher_min_events = researcher_min_events if researcher_min_events is not none
        else config_int('purchase_researcher_min_events', 5, 1) -%}
    {%- set impulse_max_visits = impulse_max_visits if impulse_max_visits is not none
        else config_int('purchase_impulse_max_visits', 1, 0) -%}
    {%- set cart_abandon_days = cart_abandon_days if cart_abandon_days is not none
        else config_int('purchase_cart_abandon_days', 14, 1) -%}

    {%- set is_purchaser = 'purchase_days > 0' -%}
    {%- set purchaser_group = 'case when ' ~ is_purchaser ~ ' then 1 else 0 end' -%}
    {%- set revenue_rank -%}
        rank() over (partition by {{ purchaser_group }} order by net_revenue desc)
    {%- endset -%}
    {%- set revenue_position -%}
        cume_dist() over (partition by {{ purchaser_group }} order by net_revenue desc)
    {%- endset -%}
    {%- set purchaser_count -%}
        sum(case when {{ is_purchaser }} then 1 else 0 end) over ()
    {%- endset -%}
    {%- set days_since_abandoned_cart = days_between('cast(last_abandoned_cart_at as date)', 'as_of_date') -%}

    {#- rules: (label, condition, reason as SQL) -#}
    {%- set rules = [
        ('cart_abandoner',
            days_since_abandoned_cart ~ ' < ' ~ cart_abandon_days
            ~ ' and (last_purchase_at is null or last_purchase_at < last_abandoned_cart_at)',
            "'abandoned_cart_in_last_" ~ cart_abandon_days ~ "_days'"),
        ('deal_seeker',
            is_purchaser ~ ' and order_count >= ' ~ deal_min_orders
            ~ ' and discounted_order_share >= ' ~ deal_min_discount_share,
            "'discounted_order_share>=" ~ deal_min_discount_share ~ "_over_" ~ deal_min_orders ~ "+_orders'"),
        ('high_spender',
            is_purchaser ~ ' and net_revenue > 0 and ' ~ purchaser_count ~ ' >= ' ~ min_population
            ~ ' and ' ~ revenue_position ~ ' <= ' ~ high_spender_share,
            "'net_revenue_in_top_" ~ high_spender_share ~ "_of_purchasers'"),
        ('high_spender',
            is_purchaser ~ ' and net_revenue > 0 and ' ~ purchaser_count ~ ' < ' ~ min_population
            ~ ' and net_revenue >= ' ~ plain_number(high_spender_min_revenue),
            dbt.concat(["'net_revenue>=" ~ plain_number(high_spender_min_revenue) ~ "'",
                fixed_thresholds_reason(purchaser_count, min_population)])),
        ('researcher',
            'research_events_before_first_purchase >= ' ~ researcher_min_events,
            "'research_events_before_first_purchase>=" ~ researcher_min_events ~ "'"),
        ('impulse_buyer',
            'visits_before_first_purchase <= ' ~ impulse_max_visits
            ~ ' and cast(first_visit_at as date) <= first_purchase_date',
            "'visits_before_first_purchase<=" ~ impulse_max_visits ~ "'"),
        ('regular_buyer', is_purchaser, "'purchaser_without_pattern'"),
    ] -%}

    case when {{ is_purchaser }} then {{ revenue_rank }} end as purchaser_revenue_rank,
    {{ purchaser_count }} as purchaser_count,
    {{ days_since_abandoned_cart }} as days_since_abandoned_cart,
    case
        {%- for label, condition, reason in rules %}
        when {{ condition }} then '{{ label }}'
        {%- endfor %}
        else 'non_buyer'
    end as segment,
    case
        {%- for label, condition, reason in rules %}
        when {{ condition }} then {{ reason }}
        {%- endfor %}
        else 'no_purchase'
    end as segment_reason
{%- endmacro %}
