{{ config(materialized='ephemeral') }}
-- The hashes (email_sha256) of erased contacts' addresses (grain:
-- email_sha256), for int_address_suppressions: computed from the raw
-- contacts before the base models drop them, and read from what the purge
-- recorded in <privacy schema>.erased_address_hashes
-- (macros/privacy/erasure.sql, erased_address_hashes). Only the hash: no
-- contact id, no address. Ephemeral: no relation of its own holds it.
select erased.email_sha256
from {{ erased_address_hashes() }} as erased
