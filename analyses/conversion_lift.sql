-- Conversion lift by behavior: which behaviors seen before a first purchase
-- predict it. For each behavior, the conversion rate (share of contacts who
-- purchased) among contacts who showed it before converting (or ever, for
-- non-buyers) versus those who did not, and the lift (ratio of the two).
with

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

flags as (
    select
        contact_id,
        purchase_days > 0 as converted,
        first_visit_at is not null and (first_purchase_at is null or first_visit_at < first_purchase_at)
            as visited,
        first_lead_at is not null and (first_purchase_at is null or first_lead_at < first_purchase_at)
            as downloaded_or_submitted,
        first_cart_at is not null and (first_purchase_at is null or first_cart_at < first_purchase_at)
            as added_to_cart,
        coalesce(research_events_before_first_purchase, research_events) >= 5 as researched_5_plus,
        email_clicks > 0 as clicked_email
    from facts
),

{%- set behaviors = ['visited', 'downloaded_or_submitted', 'added_to_cart', 'researched_5_plus', 'clicked_email'] %}

per_behavior as (
    {%- for behavior in behaviors %}
        select
            '{{ behavior }}' as behavior,
            sum(case when {{ behavior }} then 1 else 0 end) as contacts_with,
            sum(case when {{ behavior }} and converted then 1 else 0 end) as converted_with,
            sum(case when not {{ behavior }} then 1 else 0 end) as contacts_without,
            sum(case when not {{ behavior }} and converted then 1 else 0 end) as converted_without
        from flags
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        behavior,
        contacts_with,
        {{ safe_divide('converted_with', 'contacts_with') }} as conversion_rate_with,
        contacts_without,
        {{ safe_divide('converted_without', 'contacts_without') }} as conversion_rate_without,
        {{ safe_divide(
            safe_divide('converted_with', 'contacts_with'),
            safe_divide('converted_without', 'contacts_without')
        ) }} as lift
    from per_behavior
)

select * from final
order by lift desc
