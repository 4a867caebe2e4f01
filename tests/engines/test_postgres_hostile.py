"""Hostile raw input on PostgreSQL: the scenarios of tests/python/test_hostile_input.py.

scripts/postgres.sh runs this file while its throw-away server is up (PGHOST,
PGPORT, PGUSER, PGPASSWORD, PGDATABASE point at it). Each scenario writes raw
CSV files (dbt_harness.write_raw), loads them with
`python -m segkit.load --target postgres` into a schema of its own, builds on
that schema with dbt in this process (`--vars '{raw_schema: ...}'`, the
models in a DBT_SCHEMA of their own, so nothing collides with the main
build), then reads the tables with psycopg2 and asserts what the DuckDB suite
asserts: every hostile row is staged with the expected value or quarantined
with the expected reason, rows_read = rows_staged + duplicates_removed +
rows_quarantined + rows_erased holds, and data_quality_report agrees.

The hostile rows, their expected outcomes and the checks on them are one
definition for both engines: tests/python/hostile_cases.py (it imports
neither duckdb nor psycopg2; .venv-postgres has no duckdb, and
tests/python/dbt_harness.py imports it only where a DuckDB file is read).
This file calls those checks with its own build and relation names, and holds
the tests only PostgreSQL has: the loader's column mapping, and erasure.
Ids with control characters (CONTROL_IDS there) are quarantined as
invalid_text; NUL is left out: PostgreSQL text cannot hold it and the loader
refuses the file (tests/engines/test_postgres_loader.py).

Builds (one dbt invocation each)
  hostile rows     nulls in every column, empty and whitespace-only ids, one
                   event_id with different payloads, ids with quotes,
                   semicolons, backslashes, emoji, a comma and 1,000
                   characters, ids with control characters, timestamps in
                   many shapes, amounts as text / negative / zero / huge /
                   NaN / Infinity, unknown currencies and statuses, malformed
                   JSON; contacts.csv with its columns in another order and an
                   extra column
  shop             files missing contract columns and with extra columns (the
                   shapes of the DuckDB file-shape scenario), with an
                   erasure_requests.csv naming 1 of 20 contacts: that contact,
                   its order and its events, also the anonymous one on its
                   device, are erased and counted as rows_erased
  erasure refusals a relation without contact_id stops the build; 2 of 10
                   contacts stop it above erasure_max_share, and build once
                   the var is raised to 0.2
Nothing is skipped.
"""
from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

import psycopg2
import psycopg2.extras
import pytest

# the shared hostile rows and checks, and the raw file writer (no duckdb needed)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

import dbt_harness  # noqa: E402
import hostile_cases as cases  # noqa: E402
from dbt_harness import PROJECT_DIR, RAW_COLUMNS, write_raw  # noqa: E402
from hostile_cases import (  # noqa: E402
    AS_OF, CHECKED, Relations, accounting, assert_ok, assert_report_matches_accounting, quarantined, staged, ts,
)

# every schema of this run starts with it (dropped at the end)
RUN = f"hostile_{os.getpid()}_{secrets.token_hex(3)}"
# the layers of the models: Build.relation() maps "staging.x" to "<schema>_staging".x
NAMES = Relations(staging="staging", marts="marts")
QUARANTINE = NAMES.quarantine
FACTS = NAMES.facts


# --------------------------------------------------------------------------
# the server, the loader and dbt
# --------------------------------------------------------------------------

def _connect():
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"):
        assert name in os.environ, f"{name} is not set: run this file from scripts/postgres.sh (it starts the server)"
    return psycopg2.connect(connect_timeout=10)  # libpq reads the PG* variables


def _execute(sql: str, params: Sequence[Any] | None = None) -> None:
    conn = _connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
    finally:
        conn.close()


@pytest.fixture(scope="module", autouse=True)
def _drop_this_runs_schemas():
    yield
    conn = _connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("select nspname from pg_namespace where starts_with(nspname, %s)", [RUN])
            for (schema,) in cur.fetchall():
                cur.execute(f'drop schema "{schema}" cascade')
    finally:
        conn.close()


def load(folder: Path, name: str) -> dict[str, str]:
    """`python -m segkit.load --target postgres` into the schema <RUN>_<name>_raw;
    returns the dbt vars it prints (raw_schema, erasure_requests_relation)."""
    schema = f"{RUN}_{name}_raw"
    result = subprocess.run(
        [sys.executable, "-m", "segkit.load", "--target", "postgres", "--path", str(folder), "--schema", schema],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if "--vars" in line)
    printed = line.split("--vars '{", 1)[1].split("}'", 1)[0]
    found = dict(item.split(": ", 1) for item in printed.split(", "))
    assert found["raw_schema"] == schema, result.stdout
    return found


@dataclass
class Build(dbt_harness.Build):
    """One dbt invocation on PostgreSQL and the schemas it wrote (<schema>_staging, ...);
    ok, failures() and by_key() as on DuckDB, tables read with psycopg2 (no database file)."""

    schema: str = ""

    def relation(self, name: str) -> str:
        layer, table = name.split(".")
        return f'"{self.schema}_{layer}".{table}'

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict]:
        conn = _connect()
        try:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute(sql, params)
                return [dict(row) for row in cur.fetchall()]
        finally:
            conn.close()

    def table(self, name: str, order_by: str = "1") -> list[dict]:
        return self.query(f"select * from {self.relation(name)} order by {order_by}")


def build(name: str, work: Path, vars: dict, args: Sequence[str] = CHECKED) -> Build:
    """dbt in this process on the postgres target; models in the schemas <RUN>_<name>_*."""
    from dbt.cli.main import dbtRunner

    schema = f"{RUN}_{name}"
    saved = os.environ.get("DBT_SCHEMA")
    os.environ["DBT_SCHEMA"] = schema
    os.environ["DO_NOT_TRACK"] = "1"
    try:
        result = dbtRunner().invoke([
            *args, "--target", "postgres", "--vars", json.dumps(vars),
            "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
            "--no-partial-parse", "--quiet",
        ])
    finally:
        if saved is None:
            os.environ.pop("DBT_SCHEMA", None)
        else:
            os.environ["DBT_SCHEMA"] = saved
    return Build(result=result, database=None, schema=schema)


def assert_fails_with(build: Build, *expected: str) -> str:
    assert not build.ok, "the dbt build passed, expected it to stop"
    message = "\n".join(build.failures())
    for text in expected:
        assert text in message, f"expected {text!r} in:\n{message}"
    return message


def schema_tables(schema: str) -> list[str]:
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = %s order by 1",
                        [schema])
            return [name for (name,) in cur.fetchall()]
    finally:
        conn.close()


# --------------------------------------------------------------------------
# the hostile rows (tests/python/hostile_cases.py): the same checks as on DuckDB
# --------------------------------------------------------------------------

# contacts.csv is written with its columns in another order and an extra
# column (dropped by the loader) holding text that must never reach a model
CONTACT_FILE_COLUMNS = ["email_opt_in", "created_at", "favourite_colour", "email", "contact_id"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Build:
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    write_raw(raw, "contacts", [
        {"contact_id": row[0], "email": row[1], "created_at": row[2], "email_opt_in": row[3],
         "favourite_colour": "'); drop table x; --"}
        for row in [row for row, _ in cases.CONTACTS] + cases.CONTACTS_KEYLESS
    ], columns=CONTACT_FILE_COLUMNS)
    write_raw(raw, "events", [row for row, _ in cases.EVENTS] + cases.EVENTS_KEYLESS)
    write_raw(raw, "orders", [row for row, _ in cases.ORDERS] + cases.ORDERS_KEYLESS)
    found = load(raw, "hostile")
    result = build("hostile", base / "work", vars={"raw_schema": found["raw_schema"], "as_of_date": AS_OF})
    assert_ok(result)
    return result


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


def test_columns_in_another_order_and_an_extra_column(hostile):
    # the loader drops the extra column and maps the others by name
    raw_columns = hostile.query("select column_name from information_schema.columns "
                                "where table_schema = %s and table_name = 'contacts' order by ordinal_position",
                                [f"{RUN}_hostile_raw"])
    assert [r["column_name"] for r in raw_columns] == RAW_COLUMNS["contacts"]
    contact = staged(hostile, NAMES, "contacts")["h_full"]
    assert (contact["email"], contact["created_at"], contact["email_opt_in"]) == (
        "full@example.com", ts("2024-01-05 10:00:00"), True)
    quarantine = hostile.table(QUARANTINE)
    contact_records = [row["raw_record"] for row in quarantine if row["source_table"] == "contacts"]
    assert contact_records and not any("favourite_colour" in r or "drop table x" in r for r in contact_records)


# --------------------------------------------------------------------------
# file shape and erasure: one small shop, built with an erasure request
# --------------------------------------------------------------------------


def write_shop(folder: Path, contacts: int, erased: Sequence[str]) -> Path:
    """Contacts c01.. with one email_open event (on device d_<id>) and one
    order each, an anonymous event on every device, an order of c01 without
    a total, and erasure_requests.csv naming `erased` (padded: ids are
    compared trimmed). The files have the shapes of the DuckDB suite's
    test_csv_with_missing_and_extra_columns: contacts without email_opt_in,
    with an extra column and the columns in another order; events without
    channel and properties, with an extra column; orders without
    discount_total, currency, shipping_method and product_tier."""
    ids = [f"c{n:02d}" for n in range(1, contacts + 1)]
    write_raw(folder, "contacts", [("2024-01-02 00:00:00", c, f"{c}@example.com", "ignored") for c in ids],
              columns=["created_at", "contact_id", "email", "favourite_colour"])
    write_raw(folder, "events", [
        *[(f"e_{c}", c, f"d_{c}", "email_open", "2024-02-01 10:00:00", "x") for c in ids],
        *[(f"anon_{c}", "", f"d_{c}", "page_view", "2024-02-01 09:00:00", "y") for c in ids],
    ], columns=["event_id", "contact_id", "anonymous_id", "event_type", "occurred_at", "extra"])
    write_raw(folder, "orders", [
        *[(f"o_{c}", c, "2024-03-01 10:00:00", "10.00", "completed") for c in ids],
        ("o_no_total", "c01", "2024-03-02 10:00:00", "", "completed"),
    ], columns=["order_id", "contact_id", "ordered_at", "order_total", "status"])
    with (folder / "erasure_requests.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contact_id", "requested_at"])
        writer.writerows([(f" {c} ", "2024-03-15") for c in erased])
    return folder


def test_missing_and_extra_columns_and_erasing_one_of_twenty_contacts(tmp_path):
    found = load(write_shop(tmp_path / "raw", 20, ["c07"]), "shop")
    assert found["erasure_requests_relation"] == f"{found['raw_schema']}.erasure_requests"
    result = build("shop", tmp_path / "work", vars={"as_of_date": AS_OF, **found})
    assert_ok(result)
    # c07's contact, event and order, and the anonymous event on the device c07 used
    erased = {"contacts": 1, "events": 2, "orders": 1}
    assert accounting(result, NAMES, erased) == {
        "contacts": (20, 19, 0, 0),
        "events": (40, 38, 0, 0),
        "orders": (21, 19, 0, 1),
    }
    assert_report_matches_accounting(result, NAMES, erased)
    # the loader keeps exactly the contract columns: missing ones are null, extra ones dropped
    columns = result.query("select table_name, string_agg(column_name, ',' order by ordinal_position) as names "
                           "from information_schema.columns where table_schema = %s group by table_name",
                           [found["raw_schema"]])
    assert {r["table_name"]: r["names"].split(",") for r in columns} == {
        **RAW_COLUMNS, "erasure_requests": ["contact_id", "requested_at"]}
    contact = staged(result, NAMES, "contacts")["c01"]
    assert (contact["email"], contact["email_opt_in"], contact["created_at"]) == (
        "c01@example.com", None, ts("2024-01-02 00:00:00"))
    events = staged(result, NAMES, "events")
    assert (events["e_c01"]["anonymous_id"], events["e_c01"]["channel"], events["e_c01"]["properties"]) == (
        "d_c01", None, None)
    order = staged(result, NAMES, "orders")["o_c01"]
    assert (order["order_total"], order["discount_total"], order["currency"]) == (Decimal("10.00"), Decimal("0.00"), None)
    assert quarantined(result, NAMES, "orders") == {"o_no_total": ["invalid_amount"]}
    facts = result.by_key(FACTS)
    assert (facts["c01"]["order_count"], facts["c01"]["email_opens"]) == (1, 1)
    # c07 is nowhere: not staged, not quarantined, no facts, no segment
    assert "c07" not in staged(result, NAMES, "contacts")
    assert {"e_c07", "anon_c07"}.isdisjoint(events)
    assert "o_c07" not in staged(result, NAMES, "orders")
    assert "c07" not in facts and len(facts) == 19
    assert all(row["contact_id"] != "c07" for row in result.table(QUARANTINE))
    membership = result.query(f"select distinct contact_id from {result.relation('marts.segment_membership')}")
    assert "c07" not in {row["contact_id"] for row in membership} and len(membership) == 19


def test_an_erasure_relation_without_contact_id_stops_the_build(tmp_path):
    # before the fix this erased nobody on PostgreSQL, without a word
    found = load(write_shop(tmp_path / "raw", 20, []), "nocolumn")
    bad = f'"{found["raw_schema"]}".bad_erasure'
    _execute(f"create table {bad} (id text)")
    _execute(f"insert into {bad} values ('c01')")
    result = build("nocolumn", tmp_path / "work",
                   vars={"raw_schema": found["raw_schema"], "as_of_date": AS_OF,
                         "erasure_requests_relation": f"{found['raw_schema']}.bad_erasure"},
                   args=("build", "--select", "+stg_raw__contacts", "--exclude-resource-type", "unit_test"))
    assert_fails_with(result, "has no contact_id column", "bad_erasure", "nothing was erased")
    assert "stg_raw__contacts" not in schema_tables(f"{result.schema}_staging")


def test_erasing_two_of_ten_contacts_needs_a_higher_cap(tmp_path):
    found = load(write_shop(tmp_path / "raw", 10, ["c03", "c08"]), "cap")
    capped = build("cap", tmp_path / "capped", vars={"as_of_date": AS_OF, **found},
                   args=("build", "--select", "+stg_raw__contacts", "--exclude-resource-type", "unit_test"))
    assert_fails_with(capped, "the erasure requests name 2 of the 10 raw contacts",
                      "more than erasure_max_share = 0.05", "{erasure_max_share: 0.2}")
    assert "stg_raw__contacts" not in schema_tables(f"{capped.schema}_staging")
    raised = build("cap", tmp_path / "raised", vars={"as_of_date": AS_OF, "erasure_max_share": 0.2, **found},
                   args=("build", "--select", "+stg_raw__row_accounting", "--indirect-selection", "cautious",
                         "--exclude-resource-type", "unit_test"))
    assert_ok(raised)
    erased = {"contacts": 2, "events": 4, "orders": 2}
    assert accounting(raised, NAMES, erased) == {
        "contacts": (10, 8, 0, 0),
        "events": (20, 16, 0, 0),
        "orders": (11, 8, 0, 1),
    }
    assert {"c03", "c08"}.isdisjoint(staged(raised, NAMES, "contacts"))
