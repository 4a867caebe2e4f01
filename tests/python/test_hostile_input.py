"""Hostile raw input: every class either stages correctly or is quarantined with a reason.

Each scenario writes raw files, builds on them through `raw_data_path`
(database and target under a pytest tmp folder) and checks, row by row, where
every hostile value went. No build may fail, and in every build the row
accounting identity holds (rows_read = rows_staged + duplicates_removed +
rows_quarantined + rows_erased; no contact is erased here) and
data_quality_report agrees with it.

The hostile rows, their expected outcomes and the checks on them live in
hostile_cases.py, shared with tests/engines/test_postgres_hostile.py (the same
rows and checks on PostgreSQL); the tests here that call them are thin.

Builds
  hostile rows (CSV)   nulls in every column; empty and whitespace-only ids;
                       one event_id with different payloads; ids with quotes,
                       semicolons, backslashes, emoji and 1,000 characters;
                       ids with control characters (invalid_text);
                       timestamps in many shapes, zones, before 1970, after the build started and in
                       year 9999; amounts as text, negative, zero, huge, NaN,
                       Infinity; unknown currencies and statuses; malformed
                       JSON in properties
  empty files          0-byte CSV and Parquet files and a header-only file
  file shape           a CSV missing contract columns, one with extra columns,
                       columns in another order
  parquet              typed Parquet files (timestamps, doubles, booleans)
  ragged CSV           a row with more or fewer fields than the header fails
                       the build, naming the file (never a silent loss of rows)
  source freshness     `dbt source freshness` on raw text: garbage and
                       implausible timestamps are ignored (files and seeds)
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import hostile_cases as cases
from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw
from hostile_cases import (
    AS_OF, CHECKED, KEYS, Relations, accounting, assert_ok, assert_report_matches_accounting, quarantined,
    report, staged, ts,
)

NAMES = Relations(staging="main_staging", marts="main_marts")
FACTS = NAMES.facts


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Build:
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    write_raw(raw, "contacts", [row for row, _ in cases.CONTACTS] + cases.CONTACTS_KEYLESS)
    write_raw(raw, "events", [row for row, _ in cases.EVENTS] + cases.EVENTS_KEYLESS)
    write_raw(raw, "orders", [row for row, _ in cases.ORDERS] + cases.ORDERS_KEYLESS)
    build = build_on(raw, base / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    return build


# --------------------------------------------------------------------------
# the hostile rows (hostile_cases.py): the same checks as on PostgreSQL
# --------------------------------------------------------------------------


def test_hostile_accounting_and_report(hostile):
    cases.check_accounting_and_report(hostile, NAMES)


def test_nulls_in_every_column(hostile):
    cases.check_nulls_in_every_column(hostile, NAMES)


def test_empty_and_whitespace_ids(hostile):
    cases.check_empty_and_whitespace_ids(hostile, NAMES)


def test_same_event_id_with_different_payloads(hostile):
    cases.check_same_event_id_with_different_payloads(hostile, NAMES)


def test_ids_with_quotes_semicolons_backslashes_emoji_and_1000_chars(hostile):
    cases.check_weird_ids(hostile, NAMES)


def test_ids_with_control_characters_are_invalid_text(hostile):
    cases.check_control_character_ids(hostile, NAMES)


def test_timestamps_in_many_shapes(hostile):
    cases.check_timestamps_in_many_shapes(hostile, NAMES)


def test_amounts_as_text_negative_zero_huge_nan_infinity(hostile):
    cases.check_amounts(hostile, NAMES)


def test_unknown_currencies_and_statuses(hostile):
    cases.check_currencies_and_statuses(hostile, NAMES)


def test_malformed_json_properties_kept_as_text(hostile):
    cases.check_malformed_json_kept_as_text(hostile, NAMES)


def test_report_flags_what_was_kept(hostile):
    cases.check_report_flags(hostile, NAMES)


# --------------------------------------------------------------------------
# file-level hostility
# --------------------------------------------------------------------------


def test_empty_file_and_header_only_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "contacts.csv").write_bytes(b"")      # 0 bytes
    (raw / "events.parquet").write_bytes(b"")    # 0 bytes (read_parquet would fail on it)
    write_raw(raw, "orders", [])                 # header only
    build = build_on(raw, tmp_path / "work", args=CHECKED)  # as_of_date null: no data, no clock
    assert_ok(build)
    assert accounting(build, NAMES) == {table: (0, 0, 0, 0) for table in KEYS}
    assert build.table(FACTS) == []
    assert build.table(NAMES.membership) == []
    checks = report(build, NAMES)
    assert all(checks[(t, "freshness_days")] is None for t in KEYS)
    assert_report_matches_accounting(build, NAMES)


def test_csv_with_missing_and_extra_columns(tmp_path):
    raw = tmp_path / "raw"
    # contacts: email_opt_in missing, an extra column, columns in another order
    write_raw(raw, "contacts", [
        ("2024-01-02 00:00:00", "k1", "k1@example.com", "ignored"),
    ], columns=["created_at", "contact_id", "email", "favourite_colour"])
    # events: only the required columns (no anonymous_id, channel, properties), plus an extra one
    write_raw(raw, "events", [
        ("e1", "k1", "page_view", "2024-02-01 10:00:00", "x"),
        ("e2", "k1", "email_open", "2024-02-02 10:00:00", "y"),
    ], columns=["event_id", "contact_id", "event_type", "occurred_at", "extra"])
    # orders: no discount_total / currency / shipping / tier column
    write_raw(raw, "orders", [
        ("o1", "k1", "2024-03-01 10:00:00", "10.00", "completed"),
        ("o2", "k1", "2024-03-02 10:00:00", "", "completed"),
    ], columns=["order_id", "contact_id", "ordered_at", "order_total", "status"])
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    assert accounting(build, NAMES) == {
        "contacts": (1, 1, 0, 0),
        "events": (2, 2, 0, 0),
        "orders": (2, 1, 0, 1),
    }
    contact = staged(build, NAMES, "contacts")["k1"]
    assert (contact["email"], contact["email_opt_in"], contact["created_at"]) == (
        "k1@example.com", None, ts("2024-01-02 00:00:00"))
    events = staged(build, NAMES, "events")
    assert (events["e1"]["anonymous_id"], events["e1"]["channel"], events["e1"]["properties"]) == (None, None, None)
    order = staged(build, NAMES, "orders")["o1"]
    assert (order["order_total"], order["discount_total"], order["currency"]) == (Decimal("10.00"), Decimal("0.00"), None)
    assert quarantined(build, NAMES, "orders") == {"o2": ["invalid_amount"]}
    fact = build.by_key(FACTS)["k1"]
    assert (fact["order_count"], fact["email_opens"]) == (1, 1)
    assert_report_matches_accounting(build, NAMES)


@pytest.mark.parametrize("ragged_lines", [
    # later rows with an unquoted comma (one field too many)
    [f'o{i},k1,2024-03-02 10:00:00,10.00,,USD,completed,standard,{{"tier":1,"x":2}}' for i in range(2, 8)],
    # a row with too few fields, then one with too many
    ["o2,k1,2024-03-02 10:00:00,10.00", "o3,k1,2024-03-02 10:00:00,10.00,,USD,completed,standard,standard,extra"],
], ids=["surplus_fields", "missing_then_surplus_fields"])
def test_csv_row_with_another_field_count_fails_loudly(tmp_path, ragged_lines):
    # Never a silent loss: on such files DuckDB's sniffer takes a later line
    # for the header (every contract column then reads as null, or the rows
    # above it are skipped as a preamble) and the build "succeeds". A row
    # that does not match the header fails the build, naming the file.
    raw = tmp_path / "raw"
    path = write_raw(raw, "orders", [
        ("o1", "k1", "2024-03-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),
    ])
    with path.open("a", newline="") as handle:
        handle.write("".join(line + "\r\n" for line in ragged_lines))  # the csv module's line ending
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=("build", "--select", "+stg_raw__orders"))
    assert not build.ok
    assert "orders.csv" in "\n".join(build.failures())


def write_parquet(path: Path, sql: str) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"copy ({sql}) to '{path}' (format parquet)")
    finally:
        con.close()


def test_parquet_input(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # typed columns: timestamps (with and without zone), booleans, doubles (NaN, Infinity, huge)
    write_parquet(raw / "contacts.parquet", """
        select * from (values
            ('p1', 'p1@example.com', timestamptz '2024-01-02 02:00:00+02', true),
            ('p2', null, null, false),
            (null, 'nobody@example.com', timestamptz '2024-01-02 00:00:00+00', null)
        ) as t(contact_id, email, created_at, email_opt_in)
    """)
    write_parquet(raw / "events.parquet", """
        select * from (values
            ('pe1', 'p1', null, 'page_view', timestamp '2024-02-01 10:00:00', 'web', '{"a": 1}', 42),
            ('pe2', 'p2', null, 'email_open', timestamp '1960-01-01 00:00:00', 'email', null, 43),
            ('pe3', 'p2', null, 'email_open', timestamp '2024-02-02 10:00:00.5', 'email', null, 44)
        ) as t(event_id, contact_id, anonymous_id, event_type, occurred_at, channel, properties, extra_number)
    """)
    write_parquet(raw / "orders.parquet", """
        select order_id, contact_id, ordered_at, order_total, discount_total, currency, status,
               shipping_method, product_tier
        from (values
            ('po1', 'p1', date '2024-03-01', 12.5::double, 0::double, 'USD', 'completed', 'express', 'premium'),
            ('po2', 'p1', date '2024-03-02', 'nan'::double, null, 'USD', 'completed', null, null),
            ('po3', 'p1', date '2024-03-03', 'infinity'::double, null, 'USD', 'completed', null, null),
            ('po4', 'p1', date '2024-03-04', 1e15::double, null, 'USD', 'completed', null, null),
            ('po5', 'p1', date '2024-03-05', 7::double, 1e300::double, 'USD', 'completed', null, null)
        ) as t(order_id, contact_id, ordered_at, order_total, discount_total, currency, status,
               shipping_method, product_tier)
    """)
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    assert accounting(build, NAMES) == {
        "contacts": (3, 2, 0, 1),
        "events": (3, 2, 0, 1),
        "orders": (5, 1, 0, 4),
    }
    contacts = staged(build, NAMES, "contacts")
    assert (contacts["p1"]["created_at"], contacts["p1"]["email_opt_in"]) == (ts("2024-01-02 00:00:00"), True)
    assert contacts["p2"]["email_opt_in"] is False
    events = staged(build, NAMES, "events")
    assert events["pe3"]["occurred_at"] == ts("2024-02-02 10:00:00.5")
    assert quarantined(build, NAMES, "events") == {"pe2": ["implausible_timestamp"]}
    orders = staged(build, NAMES, "orders")
    assert (orders["po1"]["order_total"], orders["po1"]["ordered_at"]) == (Decimal("12.50"), ts("2024-03-01 00:00:00"))
    assert quarantined(build, NAMES, "orders") == {
        "po2": ["invalid_amount"], "po3": ["invalid_amount"], "po4": ["invalid_amount"], "po5": ["invalid_amount"]}
    assert quarantined(build, NAMES, "contacts") == {None: ["missing_contact_id"]}
    assert build.by_key(FACTS)["p1"]["net_revenue"] == Decimal("12.50")
    assert_report_matches_accounting(build, NAMES)


# --------------------------------------------------------------------------
# dbt source freshness on raw text
# --------------------------------------------------------------------------


def freshness(build: Build) -> dict[str, tuple[str, str]]:
    """source table -> (status, max_loaded_at) from sources.json."""
    results = json.loads((build.database.parent / "target" / "sources.json").read_text())["results"]
    return {r["unique_id"].rsplit(".", 1)[-1]: (r["status"], r["max_loaded_at"]) for r in results}


def test_source_freshness_on_files_ignores_garbage_and_implausible_timestamps(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw, "events", [
        ("e1", "k1", "", "page_view", "2024-03-01T10:00:00+02:00", "web", ""),
        ("e2", "k1", "", "page_view", "9999-12-31 23:59:59", "web", ""),  # would look fresh forever
        ("e3", "k1", "", "page_view", "not-a-date", "web", ""),           # the largest text
        ("e4", "k1", "", "page_view", "2024/12/31 10:00", "web", ""),     # not ISO-8601
    ])
    (raw / "orders.csv").write_bytes(b"")  # 0 bytes; contacts: no file
    build = run_dbt(["source", "freshness"], tmp_path / "warehouse.duckdb",
                    vars={"raw_data_path": str(raw), "source_freshness_warn_days": 1,
                          "source_freshness_error_days": 100000})
    # the staleness itself is not a failure of the run here: read the results
    found = freshness(build)
    assert found["events"] == ("warn", "2024-03-01T08:00:00+00:00")
    assert found["contacts"][0] == found["orders"][0] == "error"  # empty tables: never loaded


def test_source_freshness_on_the_seeded_sample(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    seeded = run_dbt(["seed", "--select", "contacts", "events", "orders"], database)
    assert_ok(seeded)
    build = run_dbt(["source", "freshness"], database,
                    vars={"source_freshness_warn_days": 100000, "source_freshness_error_days": 100000})
    assert_ok(build)
    found = freshness(build)
    assert {table: status for table, (status, _) in found.items()} == {
        "contacts": "pass", "events": "pass", "orders": "pass"}
    # the sample's events hold 'not-a-date': the latest real timestamp is found all the same
    con = duckdb.connect()
    try:
        latest = con.execute(
            "select max(try_cast(occurred_at as timestamp)) from read_csv(?, all_varchar = true)",
            [str(PROJECT_DIR / "seeds" / "raw" / "events.csv")],
        ).fetchone()[0]
    finally:
        con.close()
    assert found["events"][1] == latest.isoformat() + "+00:00"
