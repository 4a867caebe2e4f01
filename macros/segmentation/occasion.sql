{#-
    Occasion-based segment: when a contact buys.

    Shares (from the facts, over distinct purchase days):
      occasion_purchase_day_share  purchase days inside an occasion window of
                                   seeds/reference/occasion_calendar
                                   (Black Friday to Cyber Monday, Christmas
                                   season, Valentine's, Mother's Day, back to school)
      weekend_purchase_day_share   purchase days on Saturday or Sunday

    Rule (first match wins, so holiday takes precedence over weekend):
      insufficient_data  purchase_days < min_purchase_days (includes every
                         non-purchaser: too few days to see a pattern);
      holiday_shopper    occasion_purchase_day_share >= holiday_share;
      weekend_shopper    weekend_purchase_day_share >= weekend_share;
      everyday_shopper   otherwise.

    Args (default from the var of the same role):
      holiday_share      var occasion_holiday_share (0.5), between 0 and 1
      weekend_share      var occasion_weekend_share (0.6), between 0 and 1
      min_purchase_days  var occasion_min_purchase_days (2)
-#}
{% macro segment_occasion(holiday_share=none, weekend_share=none, min_purchase_days=none) %}
    {%- set holiday_share = holiday_share if holiday_share is not none
        else config_number('occasion_holiday_share', 0.5, 0, 1) -%}
    {%- set weekend_share = weekend_share if weekend_share is not none
        else config_number('occasion_weekend_share', 0.6, 0, 1) -%}
    {%- set min_purchase_days = min_purchase_days if min_purchase_days is not none
        else config_int('occasion_min_purchase_days', 2, 1) -%}
    case
        when coalesce(purchase_days, 0) < {{ min_purchase_days }} then 'insufficient_data'
        when coalesce(occasion_purchase_day_share, 0) >= {{ holiday_share }} then 'holiday_shopper'
        when coalesce(weekend_purchase_day_share, 0) >= {{ weekend_share }} then 'weekend_shopper'
        else 'everyday_shopper'
    end as segment,
    case
        when coalesce(purchase_days, 0) < {{ min_purchase_days }} then 'purchase_days<{{ min_purchase_days }}'
        when coalesce(occasion_purchase_day_share, 0) >= {{ holiday_share }}
            then 'occasion_day_share>={{ holiday_share }}'
        when coalesce(weekend_purchase_day_share, 0) >= {{ weekend_share }}
            then 'weekend_day_share>={{ weekend_share }}'
        else 'occasion_share<{{ holiday_share }}_and_weekend_share<{{ weekend_share }}'
    end as segment_reason
{%- endmacro %}
