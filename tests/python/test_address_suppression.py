"""Suppression by address (issue 10 item 1): the optional raw table
suppressions, on DuckDB files.

  * a folder without a suppressions file builds green, reads an empty table
    and says so in the log; a file whose header names neither email nor
    email_sha256, or a row DuckDB cannot read, stops the build naming the
    file, never the row;
  * CSV and Parquet are read; every row is accounted for (staged, collapsed
    as a duplicate of the same normalized address, or quarantined with its
    reason) in stg_raw__row_accounting and data_quality_report;
  * the list's raw address never reaches a relation: staging hashes it as it
    reads it, the quarantine writes it as sha256:<hash>, and the logs do not
    hold it;
  * the address, not the record, is suppressed: a contact sharing it with
    another record is off every list (the marketer's side of the same rules:
    tests/stories/suppression.yml).
"""
from __future__ import annotations

import duckdb
import pytest

from dbt_harness import Build, run_dbt, write_raw
from relation_scan import find_substrings
from segkit.raw_files import email_sha256, normalized_email

AS_OF = "2024-03-31"
BUILD = ("build", "--exclude-resource-type", "unit_test")
LISTED = "Listed.Person@Example.com"           # on the list, in another case and with spaces
TWIN_A, TWIN_B = "twin@example.com", " TWIN@example.com "
SECRET = "only.on.the.list@example.com"        # an address only the suppression file holds
BAD = "not-an-address"


def write_shop(raw):
    write_raw(raw, "contacts", [
        ("listed", LISTED.lower(), "2024-01-01 10:00:00", "true"),
        ("twin_a", TWIN_A, "2024-01-01 10:00:00", "true"),
        ("twin_b", TWIN_B, "2024-01-02 10:00:00", "true"),
        ("hashed", "hashed@example.com", "2024-01-01 10:00:00", "true"),
        ("free", "free@example.com", "2024-01-01 10:00:00", "true"),
    ])
    write_raw(raw, "events", [
        (f"e_{name}", name, None, "add_to_cart", "2024-03-30 09:00:00", "web", None)
        for name in ("listed", "twin_a", "twin_b", "hashed", "free")
    ] + [("e_unsub", "twin_a", None, "unsubscribe", "2024-03-01 09:00:00", "email", None)])
    write_raw(raw, "orders", [
        ("o1", "free", "2024-01-10 12:00:00", "30.00", "", "USD", "completed", "standard", "standard"),
    ])
    return raw


SUPPRESSIONS = [
    {"email": f"  {LISTED.upper()}\t", "reason": "hard_bounce", "suppressed_at": "2024-02-01 00:00:00"},
    {"email": LISTED, "reason": "unsubscribed", "suppressed_at": "2024-01-01 00:00:00"},   # the same address again
    {"email_sha256": email_sha256("hashed@example.com").upper(), "reason": "spam", "suppressed_at": "not a date"},
    {"email": SECRET, "reason": "manual"},
    {"email": "", "email_sha256": ""},                                                      # missing_address
    {"email": BAD},                                                                         # invalid_email
    {"email_sha256": "12345"},                                                              # invalid_email_sha256
    {"email": "someone@example.com", "email_sha256": "0" * 64},                             # email_hash_mismatch
]


def build(raw, work, args=BUILD) -> Build:
    work.mkdir(parents=True, exist_ok=True)
    return run_dbt(list(args), work / "warehouse.duckdb", vars={"raw_data_path": str(raw), "as_of_date": AS_OF})


def log_text(result: Build) -> str:
    logs = result.database.parent / "logs"
    return "".join(path.read_text(errors="replace") for path in logs.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def with_list(tmp_path_factory):
    base = tmp_path_factory.mktemp("suppressions")
    raw = write_shop(base / "raw")
    write_raw(raw, "suppressions", SUPPRESSIONS)
    result = build(raw, base / "work")
    assert result.ok, "\n".join(result.failures())
    return result


def test_normalization_is_trim_and_lower_case_only():
    assert normalized_email("  Ann.Lee+News@Example.COM\t\u00a0") == "ann.lee+news@example.com"
    assert normalized_email("a.b+x@gmail.com") != normalized_email("ab@gmail.com")   # no Gmail folding
    assert normalized_email(" \t") is None


def test_without_a_suppressions_file_the_build_is_green_and_says_so(tmp_path):
    raw = write_shop(tmp_path / "raw")
    result = build(raw, tmp_path / "work")
    assert result.ok, "\n".join(result.failures())
    assert "no suppressions rows in" in log_text(result)
    rows = {r["source_table"]: r for r in result.table("main_staging.stg_raw__row_accounting")}
    assert rows["suppressions"]["rows_read"] == 0
    # the address is still the unit: the twin of the record that unsubscribed is suppressed
    facts = result.by_key("main_marts.fct_contact_behavior")
    assert facts["twin_b"]["unreachable_reason"] == "address_suppressed"
    assert facts["listed"]["is_reachable"] is True


def test_a_file_without_address_or_hash_columns_stops_the_build(tmp_path):
    raw = write_shop(tmp_path / "raw")
    write_raw(raw, "suppressions", [("x@example.com", "manual")], columns=["address", "reason"])
    result = build(raw, tmp_path / "work")
    assert not result.ok
    message = "\n".join(result.failures()) + log_text(result)
    assert "suppressions.csv line 1: the header names none of email, email_sha256" in message
    assert "x@example.com" not in message


def test_an_unreadable_row_stops_the_build_naming_the_line(tmp_path):
    raw = write_shop(tmp_path / "raw")
    (raw / "suppressions.csv").write_text("email,reason\nsecret.row@example.com,manual,extra\n")
    result = build(raw, tmp_path / "work")
    assert not result.ok
    message = "\n".join(result.failures()) + log_text(result)
    assert "suppressions.csv line 2" in message
    assert "secret.row@example.com" not in message


def test_missing_folder_is_still_an_error(tmp_path):
    result = build(tmp_path / "no_such_folder", tmp_path / "work")
    assert not result.ok
    assert "no such folder" in "\n".join(result.failures()) + log_text(result)


def test_every_list_row_is_accounted_for(with_list):
    rows = {r["source_table"]: r for r in with_list.table("main_staging.stg_raw__row_accounting")}
    # 8 rows: 3 addresses staged (LISTED twice: one duplicate), 4 quarantined
    assert {k: rows["suppressions"][k] for k in ("rows_read", "rows_staged", "duplicates_removed",
                                                 "rows_quarantined", "rows_erased")} == {
        "rows_read": 8, "rows_staged": 3, "duplicates_removed": 1, "rows_quarantined": 4, "rows_erased": 0}
    reasons = sorted(r["rejection_reason"] for r in with_list.query(
        "select rejection_reason from main_staging.stg_raw__quarantine where source_table = 'suppressions'"))
    assert reasons == ["email_hash_mismatch", "invalid_email", "invalid_email_sha256", "missing_address"]
    report = {r["check_name"]: r["check_value"] for r in with_list.query(
        "select check_name, check_value from main_marts.data_quality_report where source_table = 'suppressions'")}
    assert report["rows_read"] == 8 and report["quarantined_invalid_email_sha256"] == 1
    staged = with_list.by_key("main_staging.stg_raw__suppressions", key="email_sha256")
    # the earliest row of a repeated address is kept; a date that does not parse is null, the row still counts
    assert staged[email_sha256(LISTED)]["reason"] == "unsubscribed"
    assert staged[email_sha256("hashed@example.com")]["suppressed_at"] is None


def test_the_address_is_suppressed_on_every_record(with_list):
    facts = with_list.by_key("main_marts.fct_contact_behavior")
    assert facts["listed"]["unreachable_reason"] == "suppression_list"
    assert facts["hashed"]["unreachable_reason"] == "suppression_list"
    assert facts["twin_a"]["unreachable_reason"] == "unsubscribed"
    assert facts["twin_b"]["unreachable_reason"] == "address_suppressed"
    assert facts["free"]["is_reachable"] is True
    on_lists = {row["contact_id"] for name in ("activation_cart_abandoners", "activation_re_engagement",
                                                "activation_upsell", "activation_nurture")
                for row in with_list.query(f"select contact_id from main_marts.{name}")}
    assert on_lists & {"listed", "hashed", "twin_a", "twin_b"} == set()
    assert "free" in on_lists
    suppressed = with_list.by_key("main_intermediate.int_address_suppressions", key="email_sha256")
    assert suppressed[email_sha256(TWIN_B)]["suppression_reason"] == "unsubscribed"
    assert suppressed[email_sha256(SECRET)]["suppression_sources"] == "suppression_list"


def test_the_list_address_reaches_no_relation_or_log(with_list):
    # staging hashes it as it reads it: no table or view holds the list's addresses, not even staging
    needles = [SECRET, LISTED.lower(), BAD, "someone@example.com"]
    found = find_substrings(with_list.database, needles, include=lambda r: not r.schema.endswith("_raw")
                            and r.name not in ("base_raw__contacts", "stg_raw__contacts"))
    assert found == {}, found
    records = [r["raw_record"] for r in with_list.query(
        "select raw_record from main_staging.stg_raw__quarantine where source_table = 'suppressions'")]
    assert f"email=sha256:{email_sha256('someone@example.com')}" in " ".join(records)
    assert SECRET not in log_text(with_list)


def test_parquet_list_is_read(tmp_path):
    raw = write_shop(tmp_path / "raw")
    con = duckdb.connect()
    con.execute(f"copy (select '{SECRET}' as email, 'manual' as reason, timestamp '2024-01-01' as suppressed_at) "
                f"to '{raw / 'suppressions.parquet'}' (format parquet)")
    con.close()
    result = build(raw, tmp_path / "work", args=("build", "--select", "+int_address_suppressions",
                                                 "--exclude-resource-type", "test", "unit_test"))
    assert result.ok, "\n".join(result.failures())
    assert email_sha256(SECRET) in result.by_key("main_staging.stg_raw__suppressions", key="email_sha256")
