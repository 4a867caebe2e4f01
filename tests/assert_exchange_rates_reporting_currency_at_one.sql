-- The reporting currency (var reporting_currency) converts at 1: a row of
-- seeds/reference/exchange_rates.csv for it with another rate is an error
-- (macros/staging/currency.sql ignores such a row; this says so).
select
    currency,
    rate_to_reporting
from {{ ref('exchange_rates') }}
where
    upper(trim(currency)) = '{{ reporting_currency() }}'
    and rate_to_reporting <> 1
