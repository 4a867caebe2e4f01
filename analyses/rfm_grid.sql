-- RFM grid: purchasers by R score (rows) and F score (columns), with the
-- named segment of each cell, contacts and revenue.
with

rfm as (
    select * from {{ ref('seg_rfm') }}
),

facts as (
    select * from {{ ref('fct_contact_behavior') }}
),

final as (
    select
        rfm.r_score,
        rfm.f_score,
        min(rfm.segment) as segment,
        count(*) as contacts,
        sum(facts.net_revenue) as revenue
    from rfm
    inner join facts
        on rfm.contact_id = facts.contact_id
    where rfm.r_score is not null
    group by rfm.r_score, rfm.f_score
)

select * from final
order by r_score desc, f_score desc
