"""Privacy: no raw email leaves staging.

Only base_raw__contacts and stg_raw__contacts hold the raw email (the
activation lists have no email column: `python -m segkit.export` writes the
address into the exported file only, and only when the build's var
activation_include_email is true). Every other relation carries at most
email_sha256 = sha256(lower(trim(email))); a rejected contact row keeps its
raw text in the quarantine with the email written as sha256:<hash>.

  * the built sample: every column of every table and view outside the raw
    schema and the two allowed models is searched for every raw email of the
    contacts (case-insensitive substring);
  * the hash is the normalized SHA-256, checked against the raw file;
  * a small build with hostile contact rows (mixed case, spaces, rejected
    rows): the quarantine masks the email and nothing outside the two models
    holds it.
"""
from __future__ import annotations

import csv
import hashlib

import pytest

from dbt_harness import PROJECT_DIR, build_on, write_raw
from relation_scan import Relation, find_substrings

ALLOWED = {("main_staging", "base_raw__contacts"), ("main_staging", "stg_raw__contacts")}
LISTS = ["activation_cart_abandoners", "activation_nurture", "activation_re_engagement", "activation_upsell"]


def normalized_sha256(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def sample_emails() -> dict[str, str]:
    with (PROJECT_DIR / "seeds" / "raw" / "contacts.csv").open(newline="") as handle:
        return {row["contact_id"].strip(): row["email"] for row in csv.DictReader(handle)}


def outside_staging(relation: Relation) -> bool:
    """Everything but the raw input itself and the two models allowed to hold emails."""
    return not relation.schema.endswith("_raw") and (relation.schema, relation.name) not in ALLOWED


def test_scanner_finds_emails_where_they_are_allowed(sample):
    emails = [e for e in sample_emails().values() if e.strip()]
    found = find_substrings(sample.database, emails, include=lambda r: (r.schema, r.name) in ALLOWED)
    # the positive control: the scan does see raw emails where they live
    assert set(found) == {'"main_staging"."base_raw__contacts"', '"main_staging"."stg_raw__contacts"'}


def test_no_raw_email_in_any_other_relation(sample):
    emails = [e.strip() for e in sample_emails().values() if e.strip()]
    assert len(emails) > 300
    found = find_substrings(sample.database, emails, include=outside_staging)
    assert found == {}, found


def test_email_column_only_in_staging(sample):
    holders = {
        (row["table_schema"], row["table_name"])
        for row in sample.query(
            "select table_schema, table_name from information_schema.columns "
            "where lower(column_name) = 'email' and table_schema not like '%_raw'"
        )
    }
    # the lists have no email column at all: segkit.export adds the address to the file only
    assert holders == ALLOWED
    for name in LISTS:
        assert sample.query(f"select count(*) as n from main_marts.{name}")[0]["n"] > 0, name


def test_email_sha256_is_the_normalized_hash(sample):
    raw = sample_emails()
    # the relations keyed by contact (int_address_suppressions is keyed by the hash itself: no contact_id)
    relations = [
        (row["table_schema"], row["table_name"])
        for row in sample.query(
            "select table_schema, table_name from information_schema.columns where column_name = 'email_sha256' "
            "and (table_schema, table_name) in (select table_schema, table_name from information_schema.columns "
            "where column_name = 'contact_id')"
        )
    ]
    assert ("main_intermediate", "int_contacts") in relations and ("main_marts", "fct_contact_behavior") in relations
    checked = 0
    for schema, name in relations:
        for row in sample.query(f"select contact_id, email_sha256 from {schema}.{name}"):
            email = raw.get(row["contact_id"])
            if email is None or not email.strip():
                assert row["email_sha256"] is None, (name, row)
            else:
                assert row["email_sha256"] == normalized_sha256(email), (name, row)
                checked += 1
    assert checked > 300


HOSTILE_CONTACTS = [
    # contact_id, email, created_at, email_opt_in
    ("h_ok", "  Mixed.Case@Example.COM ", "2024-01-01 00:00:00", "yes"),
    ("h_bad_bool", "Bad.Bool@Example.com", "2024-01-01 00:00:00", "maybe"),      # invalid_boolean
    ("h_bad_time", "bad.time@example.com", "not a date", "true"),              # invalid_timestamp
    ("", "no.id@example.com", "2024-01-01 00:00:00", "true"),                 # missing_contact_id
    ("h_dup", "dup.first@example.com", "2024-01-01 00:00:00", "true"),
    ("h_dup", "dup.second@example.com", "2024-02-01 00:00:00", "true"),       # duplicate, dropped
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("privacy")
    raw = base / "raw"
    write_raw(raw, "contacts", HOSTILE_CONTACTS)
    write_raw(raw, "events", [
        ("ev1", "h_ok", "", "page_view", "2024-03-01 10:00:00", "web", '{"note": "no email here"}'),
    ])
    build = build_on(
        raw, base / "work", vars={"as_of_date": "2024-03-31"},
        args=("build", "--select", "+fct_contact_behavior", "+stg_raw__row_accounting",
              "--exclude-resource-type", "test", "unit_test"),
    )
    assert build.ok, build.failures()
    return build


def test_quarantine_writes_the_email_hashed(hostile):
    rows = {
        (row["record_key"] or ""): row
        for row in hostile.query("select * from main_staging.stg_raw__quarantine where source_table = 'contacts'")
    }
    assert set(rows) == {"h_bad_bool", "h_bad_time", ""}
    for key, email in [("h_bad_bool", "Bad.Bool@Example.com"), ("h_bad_time", "bad.time@example.com"),
                       ("", "no.id@example.com")]:
        record = rows[key]["raw_record"]
        assert f"email=sha256:{normalized_sha256(email)}" in record, record
        assert "@" not in record, record
    # the rest of the raw row is kept as received
    assert "email_opt_in=maybe" in rows["h_bad_bool"]["raw_record"]
    assert "created_at=not a date" in rows["h_bad_time"]["raw_record"]


def test_hostile_emails_stay_in_the_two_models(hostile):
    emails = [email for _, email, _, _ in HOSTILE_CONTACTS]
    found = find_substrings(hostile.database, [e.strip() for e in emails], include=outside_staging)
    assert found == {}, found
    facts = hostile.by_key("main_marts.fct_contact_behavior")
    assert facts["h_ok"]["email_sha256"] == normalized_sha256("mixed.case@example.com")
    assert facts["h_dup"]["email_sha256"] == normalized_sha256("dup.first@example.com")
    # staging keeps the normalized email itself (the only place it lives)
    staged = hostile.by_key("main_staging.stg_raw__contacts")
    assert staged["h_ok"]["email"] == "mixed.case@example.com"
