{#-
    Occasion-based segment: when a contact buys.

    Evidence (from the facts; dates and hours in the buyer's local time:
    contacts.time_zone, else the var reporting_time_zone):
      occasion_purchase_days / _day_share  purchase days inside a window of
                                   the holiday calendar (int_occasion_calendar:
                                   generated for every year from the rules in
                                   the var occasion_calendar_rules, 44 days a
                                   year by default; macros/segmentation/occasion_calendar.sql)
      calendar_occasion_day_share  the calendar's own share of days (what a
                                   buyer with no holiday habit would get)
      weekend_purchase_days / _day_share   purchase days on Saturday or Sunday
      <part>_orders / _order_share completed orders placed in the morning,
                                   daytime, evening or night (local hour;
                                   parts from var occasion_time_of_day_hours:
                                   morning 05-11, daytime 11-17, evening 17-22,
                                   night 22-05)

    Rule (first match wins; the rule table occasion_rules below):
      insufficient_data  purchase_days < min_purchase_days (every non-purchaser
                         and one-day buyer: too few days to see a pattern);
      holiday_shopper    at least holiday_min_days purchase days in holiday
                         windows, and their share of purchase days more than
                         holiday_lift x the calendar's share of days (a buyer
                         whose days fall in the windows by chance has a lift
                         near 1);
      weekend_shopper    weekend share of purchase days >= weekend_share;
      morning_shopper / daytime_shopper / evening_shopper / night_shopper
                         at least time_of_day_min_orders completed orders and
                         the part of the day's share of them >=
                         time_of_day_share, the highest share (ties: morning,
                         daytime, evening, night);
      everyday_shopper   otherwise.
    Precedence: holiday, then weekend, then time of day. The first two say on
    which days to run a campaign, the rarer and stronger signals; the part of
    the day is a send-time hint for whoever is left. A weekend shopper's
    part of the day is still in the evidence columns.

    Args (keyword arguments of segment_occasion; each defaults to its var,
    whose default and comment live in dbt_project.yml and whose bounds live in
    macros/segmentation/_rule_parameters.sql):
      calendar_rules          var occasion_calendar_rules (read by the calendar; in the version)
      holiday_lift            var occasion_holiday_lift (2), >= 1
      holiday_min_days        var occasion_holiday_min_days (2), >= 1
      weekend_share           var occasion_weekend_share (0.6), between 0 and 1
      min_purchase_days       var occasion_min_purchase_days (2), >= 1
      time_of_day_hours       var occasion_time_of_day_hours ([5, 11, 17, 22])
      time_of_day_share       var occasion_time_of_day_share (0.6), between 0 and 1
      time_of_day_min_orders  var occasion_time_of_day_min_orders (3), >= 1
      reporting_time_zone     var reporting_time_zone (UTC; read by the facts; in the version)
-#}
{% macro occasion_parameters() %}
    {{ return({
        'calendar_rules': 'occasion_calendar_rules',
        'holiday_lift': 'occasion_holiday_lift',
        'holiday_min_days': 'occasion_holiday_min_days',
        'weekend_share': 'occasion_weekend_share',
        'min_purchase_days': 'occasion_min_purchase_days',
        'time_of_day_hours': 'occasion_time_of_day_hours',
        'time_of_day_share': 'occasion_time_of_day_share',
        'time_of_day_min_orders': 'occasion_time_of_day_min_orders',
        'reporting_time_zone': 'reporting_time_zone',
    }) }}
{% endmacro %}


{#- The validated var occasion_time_of_day_hours: the hours (0-23, ascending)
    at which morning, daytime, evening and night begin. -#}
{% macro occasion_time_of_day_hours() %}
    {%- set hours = config_number_list('occasion_time_of_day_hours', none, 4, 0, true) -%}
    {%- if hours[3] > 23 -%}
        {{ config_error('occasion_time_of_day_hours', hours,
            "four ascending whole hours 0-23 at which morning, daytime, evening and night begin, e.g. [5, 11, 17, 22]") }}
    {%- endif -%}
    {{ return(hours | map('int') | list) }}
{% endmacro %}


{% macro occasion_day_parts(hours) %}
    {#- [(part, 'HH:00-HH:59')] in the order of the rules. -#}
    {%- set parts = [] -%}
    {%- for part in ['morning', 'daytime', 'evening', 'night'] -%}
        {%- set start = hours[loop.index0] -%}
        {%- set end = (hours[loop.index0 + 1] if not loop.last else hours[0] + 24) - 1 -%}
        {%- do parts.append((part, '%02d:00-%02d:59' % (start, end % 24))) -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}


{% macro occasion_rules(p) %}
    {%- set days = 'coalesce(purchase_days, 0)' -%}
    {%- set holiday_share = 'coalesce(occasion_purchase_day_share, 0)' -%}
    {%- set lift = safe_divide(holiday_share, 'calendar_occasion_day_share') -%}
    {%- set weekend_share = 'coalesce(weekend_purchase_day_share, 0)' -%}
    {%- set orders = 'coalesce(order_count, 0)' -%}
    {%- set parts = occasion_day_parts(p.time_of_day_hours) -%}
    {%- set shares = [] -%}
    {%- for part, _ in parts -%}
        {%- do shares.append('coalesce(' ~ part ~ '_order_share, 0)') -%}
    {%- endfor -%}
    {%- set holiday_numbers = [
        reason_int('coalesce(occasion_purchase_days, 0)'), ' of ', reason_int(days),
        ' purchase days in holiday windows, ', reason_decimal(lift, 1), "x the calendar's ",
        reason_percent('calendar_occasion_day_share'),
    ] -%}
    {%- set rules = [
        {'label': 'insufficient_data', 'when': days ~ ' < ' ~ p.min_purchase_days, 'code': 'too_few_purchase_days',
            'rule': 'fewer than ' ~ p.min_purchase_days ~ ' purchase days',
            'reason': [reason_int(days), ' of the ', p.min_purchase_days, ' purchase days needed to see a pattern']},
        {'label': 'holiday_shopper',
            'when': 'coalesce(occasion_purchase_days, 0) >= ' ~ p.holiday_min_days
                ~ ' and ' ~ holiday_share ~ ' > ' ~ p.holiday_lift ~ ' * calendar_occasion_day_share',
            'code': 'holiday_lift',
            'rule': 'at least ' ~ p.holiday_min_days ~ ' purchase days in holiday windows, and their share more than '
                ~ p.holiday_lift ~ " x the calendar's share of days",
            'reason': holiday_numbers},
        {'label': 'weekend_shopper', 'when': weekend_share ~ ' >= ' ~ p.weekend_share, 'code': 'weekend_share',
            'rule': 'at least ' ~ p.weekend_share ~ ' of purchase days on a Saturday or Sunday',
            'reason': [reason_int('coalesce(weekend_purchase_days, 0)'), ' of ', reason_int(days),
                ' purchase days on weekends (', reason_percent(weekend_share), ')']},
    ] -%}
    {%- for part, hours in parts -%}
        {%- set i = loop.index0 -%}
        {%- set share = shares[i] -%}
        {#- the highest share; on a tie the earlier part of the day wins -#}
        {%- set highest = [] -%}
        {%- for other in shares -%}
            {%- if loop.index0 < i -%}
                {%- do highest.append(share ~ ' > ' ~ other) -%}
            {%- elif loop.index0 > i -%}
                {%- do highest.append(share ~ ' >= ' ~ other) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do rules.append({
            'label': part ~ '_shopper',
            'when': orders ~ ' >= ' ~ p.time_of_day_min_orders ~ ' and ' ~ share ~ ' >= ' ~ p.time_of_day_share
                ~ ' and ' ~ (highest | join(' and ')),
            'code': part ~ '_orders',
            'rule': 'at least ' ~ p.time_of_day_min_orders ~ ' completed orders and at least ' ~ p.time_of_day_share
                ~ ' of them in the ' ~ part ~ ' (' ~ hours ~ ' local time), the highest share',
            'reason': [reason_int('coalesce(' ~ part ~ '_orders, 0)'), ' of ', reason_int(orders), ' orders in the '
                ~ part ~ ' (' ~ hours ~ ') (', reason_percent(share), ')'],
        }) -%}
    {%- endfor -%}
    {%- do rules.append({
        'label': 'everyday_shopper', 'when': 'true', 'code': 'no_occasion_pattern',
        'rule': 'none of the above',
        'reason': holiday_numbers + ['; ', reason_int('coalesce(weekend_purchase_days, 0)'), ' on weekends (',
            reason_percent(weekend_share), '); most orders in one part of the day: ',
            reason_percent('greatest(' ~ (shares | join(', ')) ~ ')'), ' of ', reason_int(orders)],
    }) -%}
    {{ return(rules) }}
{% endmacro %}


{% macro segment_occasion() %}
    {%- set p = rule_parameters('occasion', kwargs) -%}
    {{ rule_table(occasion_rules(p)) }}
{%- endmacro %}
