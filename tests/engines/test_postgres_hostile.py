"""Hostile raw input on PostgreSQL: the scenarios of tests/python/test_hostile_input.py.

scripts/postgres.sh runs this file while its throw-away server is up (PGHOST,
PGPORT, PGUSER, PGPASSWORD, PGDATABASE point at it). Each scenario writes raw
CSV files (the csv module, as dbt_harness.write_raw does), loads them with
`python -m segkit.load --target postgres` into a schema of its own, builds on
that schema with dbt in this process (`--vars '{raw_schema: ...}'`, the
models in a DBT_SCHEMA of their own, so nothing collides with the main
build), then reads the tables with psycopg2 and asserts what the DuckDB suite
asserts: every hostile row is staged with the expected value or quarantined
with the expected reason, rows_read = rows_staged + duplicates_removed +
rows_quarantined + rows_erased holds, and data_quality_report agrees.

.venv-postgres has no duckdb, and test_hostile_input.py (and dbt_harness)
import it, so the hostile rows are copied here; they mirror
test_hostile_input.py and must stay identical to it, so the same expectations
hold on both engines. One rule is newer than some copies of that file: an id
(contact_id, event_id, anonymous_id, order_id) holding a C0 control character
(U+0000..U+001F) or DEL after trimming is quarantined as invalid_text on
every engine, so the id with a line break sits in CONTROL_IDS below, not in
WEIRD_IDS. NUL is left out: PostgreSQL text cannot hold it and the loader
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
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

import psycopg2
import psycopg2.extras
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# every schema of this run starts with it (dropped at the end)
RUN = f"hostile_{os.getpid()}_{secrets.token_hex(3)}"

SELECT = (
    "--select", "+fct_contact_behavior", "+stg_raw__row_accounting", "+segment_membership",
    "+data_quality_report",
    "--indirect-selection", "cautious",
)
# models and their data tests (unit tests run in the main build of scripts/postgres.sh)
CHECKED = ("build", *SELECT, "--exclude-resource-type", "unit_test")
AS_OF = "2024-03-31"
KEYS = {"contacts": "contact_id", "events": "event_id", "orders": "order_id"}

RAW_COLUMNS = {  # as in dbt_harness.RAW_COLUMNS
    "contacts": ["contact_id", "email", "created_at", "email_opt_in"],
    "events": ["event_id", "contact_id", "anonymous_id", "event_type", "occurred_at", "channel", "properties"],
    "orders": [
        "order_id", "contact_id", "ordered_at", "order_total", "discount_total",
        "currency", "status", "shipping_method", "product_tier",
    ],
}


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


def write_raw(folder: Path, table: str, rows: Iterable[Sequence[Any] | dict],
              columns: Sequence[str] | None = None) -> Path:
    """Write one raw table as CSV (header row), as dbt_harness.write_raw does."""
    columns = list(columns or RAW_COLUMNS[table])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            if isinstance(row, dict):
                row = [row.get(column) for column in columns]
            writer.writerow(["" if value is None else value for value in row])
    return path


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
class Build:
    """One dbt invocation on PostgreSQL and the schemas it wrote (<schema>_staging, ...)."""

    result: Any
    schema: str

    @property
    def ok(self) -> bool:
        return bool(self.result.success)

    def failures(self) -> list[str]:
        res = self.result.result
        if res is None or not hasattr(res, "results"):
            return [str(self.result.exception)]
        return [f"{r.node.name}: {r.status} {r.message}" for r in res.results if str(r.status) not in ("success", "pass")]

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

    def by_key(self, name: str, key: str = "contact_id") -> dict[Any, dict]:
        return {row[key]: row for row in self.table(name)}


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
    return Build(result=result, schema=schema)


def assert_ok(build: Build) -> None:
    assert build.ok, "dbt build failed:\n" + "\n".join(build.failures())


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
# reading the outcome (as in test_hostile_input.py)
# --------------------------------------------------------------------------

QUARANTINE = "staging.stg_raw__quarantine"
ACCOUNTING = "staging.stg_raw__row_accounting"
REPORT = "marts.data_quality_report"
FACTS = "marts.fct_contact_behavior"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def accounting(build: Build, erased: dict[str, int] | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Rows read, staged, duplicates removed, quarantined per table; the identity must hold."""
    rows = build.table(ACCOUNTING)
    assert sorted(r["source_table"] for r in rows) == ["contacts", "events", "orders"]
    for r in rows:
        assert r["rows_erased"] == (erased or {}).get(r["source_table"], 0), r
        assert r["rows_read"] == r["rows_staged"] + r["duplicates_removed"] + r["rows_quarantined"] + r["rows_erased"], r
    return {
        r["source_table"]: (r["rows_read"], r["rows_staged"], r["duplicates_removed"], r["rows_quarantined"])
        for r in rows
    }


def report(build: Build) -> dict[tuple[str, str], int | None]:
    return {(r["source_table"], r["check_name"]): r["check_value"] for r in build.table(REPORT)}


def assert_report_matches_accounting(build: Build, erased: dict[str, int] | None = None) -> None:
    checks = report(build)
    for table, (read, staged_rows, duplicates, quarantined_rows) in accounting(build, erased).items():
        assert checks[(table, "rows_read")] == read
        assert checks[(table, "rows_staged")] == staged_rows
        assert checks[(table, "duplicates_removed")] == duplicates
        assert checks[(table, "rows_quarantined")] == quarantined_rows
        assert checks[(table, "rows_erased")] == (erased or {}).get(table, 0)
        by_reason = {name: value for (t, name), value in checks.items() if t == table and name.startswith("quarantined_")}
        assert sum(by_reason.values()) == quarantined_rows
        assert all(value > 0 for value in by_reason.values())  # one row per reason present


def quarantined(build: Build, table: str) -> dict[str | None, list[str]]:
    """record_key -> reasons (a key may be quarantined more than once; null keys under None)."""
    out: dict[str | None, list[str]] = {}
    for row in build.query(f"select record_key, rejection_reason from {build.relation(QUARANTINE)} "
                           "where source_table = %s", [table]):
        out.setdefault(row["record_key"], []).append(row["rejection_reason"])
    return out


def staged(build: Build, table: str) -> dict[str, dict]:
    return build.by_key(f"staging.stg_raw__{table}", key=KEYS[table])


# --------------------------------------------------------------------------
# the hostile rows, each with its expected outcome: mirrors
# tests/python/test_hostile_input.py (keep identical), with the ids holding
# control characters in CONTROL_IDS (invalid_text)
# --------------------------------------------------------------------------

LONG_ID = "x" * 1000
WEIRD_IDS = [
    "o'brien",              # single quote
    'say "hi"',             # double quotes
    "a;b;drop table x;--",  # semicolons and SQL
    "back\\slash\\",        # backslashes (one at the end)
    "emoji😀🎉",            # emoji (4-byte UTF-8)
    "comma,inside",         # the CSV delimiter
    LONG_ID,                # 1,000 characters
]
# ids holding a control character inside (after trimming): invalid_text
CONTROL_IDS = [
    "line\nbreak",          # a line break inside a quoted CSV field
    "tab\tinside",          # a tab
    "bell\x07",             # BEL at the end (not whitespace: not trimmed)
    "esc\x1b[31mred",       # an ANSI escape
    "unit\x1fsep",          # the last C0 character
    "del\x7f",              # DEL
]

OK = None  # staged

CONTACTS = [
    # (contact_id, email, created_at, email_opt_in), expected
    (("h_full", "Full@Example.com", "2024-01-05T10:00:00", "true"), OK),
    # nulls in every nullable column: staged with nulls
    (("h_nulls", None, None, None), OK),
    (("h_in_orders", "o@example.com", "2024-01-01", "no"), OK),
    # an invalid boolean
    (("h_bool", "b@example.com", "2024-01-01", "maybe"), "invalid_boolean"),
    *[((weird, f"w{i}@example.com", "2024-01-02 00:00:00", "1"), OK) for i, weird in enumerate(WEIRD_IDS)],
    *[((bad, f"x{i}@example.com", "2024-01-02 00:00:00", "1"), "invalid_text") for i, bad in enumerate(CONTROL_IDS)],
]
# rows without a usable key (all quarantined as missing_contact_id)
CONTACTS_KEYLESS = [
    (None, None, None, None),                     # null in every column
    ("", "e@example.com", "2024-01-01", "yes"),   # empty
    ("   ", "s@example.com", "2024-01-01", "yes"),  # spaces
    ("\t\n", "t@example.com", "2024-01-01", "yes"),  # tab and line break
    ("\u00a0\u3000\u200b\ufeff", "u@example.com", "2024-01-01", "yes"),  # no-break/ideographic/zero-width space, BOM
]

TIMESTAMPS = [
    # event_id, occurred_at text, expected UTC timestamp or quarantine reason
    ("t_iso_t", "2024-01-05T10:00:00", ts("2024-01-05 10:00:00")),
    ("t_iso_space", "2024-01-05 10:00:00", ts("2024-01-05 10:00:00")),
    ("t_zulu", "2024-01-05T10:00:00Z", ts("2024-01-05 10:00:00")),
    ("t_offset", "2024-01-05T10:00:00+02:00", ts("2024-01-05 08:00:00")),
    ("t_offset_compact", "2024-01-05 10:00:00+0200", ts("2024-01-05 08:00:00")),
    ("t_offset_west", "2024-01-05T22:30:00-05:00", ts("2024-01-06 03:30:00")),  # the UTC date moves
    ("t_date_only", "2024-01-05", ts("2024-01-05 00:00:00")),
    ("t_fraction", "2024-01-05T10:00:00.123456Z", ts("2024-01-05 10:00:00.123456")),
    ("t_padded", "  2024-01-05 10:00:00  ", ts("2024-01-05 10:00:00")),
    # shapes outside ISO-8601 (the contract): not guessed at, on any engine
    ("t_slash", "2024/01/05 10:00", "invalid_timestamp"),
    ("t_us_date", "01/05/2024", "invalid_timestamp"),
    ("t_named_zone", "2024-01-05 10:00:00 Europe/Berlin", "invalid_timestamp"),
    ("t_zone_abbrev", "2024-01-05 10:00:00 PST", "invalid_timestamp"),
    ("t_epoch_word", "epoch", "invalid_timestamp"),
    ("t_infinity", "infinity", "invalid_timestamp"),
    ("t_unix_seconds", "1704448800", "invalid_timestamp"),
    ("t_feb_30", "2024-02-30 10:00:00", "invalid_timestamp"),
    ("t_year_10000", "10000-01-01", "invalid_timestamp"),
    ("t_garbage", "yesterday at noon", "invalid_timestamp"),
    # parseable but outside the plausible range (vars plausible_timestamp_min/_max)
    ("t_before_1970", "1969-12-31 23:59:59", "implausible_timestamp"),
    ("t_1900", "1900-01-01", "implausible_timestamp"),
    ("t_year_9999", "9999-12-31 23:59:59", "implausible_timestamp"),
    ("t_2150", "2150-06-01T00:00:00Z", "implausible_timestamp"),
    # missing
    ("t_null", None, "missing_timestamp"),
    ("t_blank", "   ", "missing_timestamp"),
]

EVENTS = [
    # (event_id, contact_id, anonymous_id, event_type, occurred_at, channel, properties), expected
    *[((eid, "h_full", "", "page_view", text, "web", ""), expected if isinstance(expected, str) else OK)
      for eid, text, expected in TIMESTAMPS],
    # nulls
    (("n_anonymous", None, "anon_1", "page_view", "2024-02-01 10:00:00", "web", None), OK),
    (("n_channel_props", "h_full", None, "page_view", "2024-02-01 11:00:00", None, None), OK),
    (("n_identity", None, None, "page_view", "2024-02-01 10:00:00", "web", ""), "missing_identity"),
    (("n_identity_blank", "  ", "\t", "page_view", "2024-02-01 10:00:00", "web", ""), "missing_identity"),
    (("n_type", "h_full", None, None, "2024-02-01 10:00:00", "web", ""), "missing_event_type"),
    (("n_type_blank", "h_full", None, " ", "2024-02-01 10:00:00", "web", ""), "missing_event_type"),
    # a padded id is the trimmed id
    (("  e_padded  ", "h_full", "", " PAGE_VIEW ", "2024-02-02 10:00:00", " Web ", ""), OK),
    # unknown event type: kept
    (("u_unknown", "h_full", "", "hologram_call", "2024-02-03 10:00:00", "web", ""), OK),
    # malformed JSON in properties: kept as received (the project does not parse it)
    (("j_truncated", "h_full", "", "page_view", "2024-02-04 10:00:00", "web", '{"url": "/x"'), OK),
    (("j_not_json", "h_full", "", "page_view", "2024-02-04 10:01:00", "web", "not json; at all"), OK),
    (("j_array", "h_full", "", "page_view", "2024-02-04 10:02:00", "web", '[1, 2,'), OK),
    (("j_emoji", "h_full", "", "page_view", "2024-02-04 10:03:00", "web", '{"note": "😀 \\" \\\\"}'), OK),
    # a contact missing from contacts: kept
    (("c_not_in_crm", "ghost", "", "page_view", "2024-02-05 10:00:00", "web", ""), OK),
    # weird ids as event ids and as contact ids
    *[((f"ev_{weird}", weird, "", "page_view", "2024-02-06 10:00:00", "web", ""), OK) for weird in WEIRD_IDS],
    # control characters in the event id, the contact id or the anonymous id
    *[((f"ev_{bad}", "h_full", "", "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text")
      for bad in CONTROL_IDS],
    *[((f"evc_{i}", bad, "", "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text")
      for i, bad in enumerate(CONTROL_IDS)],
    *[((f"eva_{i}", None, bad, "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text")
      for i, bad in enumerate(CONTROL_IDS)],
    # the same event_id with different payloads: the earliest occurred_at wins,
    # then the lowest raw text; the winner is written last on purpose
    (("dup_time", "h_full", "", "page_view", "2024-02-10 12:00:00", "web", '{"copy": "later"}'), OK),
    (("dup_time", "h_full", "", "email_open", "2024-02-10 09:00:00", "email", '{"copy": "earlier"}'), OK),
    (("dup_text", "h_full", "", "page_view", "2024-02-11 09:00:00", "web", '{"copy": "w"}'), OK),
    (("dup_text", "h_full", "", "page_view", "2024-02-11 09:00:00", "email", '{"copy": "e"}'), OK),
    # ... and an unusable copy is quarantined, not counted as a duplicate
    (("dup_bad", "h_full", "", "page_view", "1990-02-12 09:00:00", "web", ""), "implausible_timestamp"),
    (("dup_bad", "h_full", "", "page_view", "2024-02-12 09:00:00", "web", ""), OK),
]
EVENTS_KEYLESS = [
    (None, None, None, None, None, None, None),  # null in every column
    ("", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
    ("    ", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
    ("\t", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
    ("\u00a0", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
]

AMOUNTS = [
    # order_id, order_total, discount_total, expected (order_total, discount_total) or quarantine reason
    ("a_text", "12.50", "", (Decimal("12.50"), Decimal("0.00"))),
    ("a_spaces", " 7 ", " 1.5 ", (Decimal("7.00"), Decimal("1.50"))),
    ("a_plus", "+5", "0", (Decimal("5.00"), Decimal("0.00"))),
    ("a_exponent", "1e3", "", (Decimal("1000.00"), Decimal("0.00"))),
    ("a_leading_dot", ".5", "", (Decimal("0.50"), Decimal("0.00"))),
    ("a_zero", "0", "0.00", (Decimal("0.00"), Decimal("0.00"))),
    ("a_rounded", "19.999", "", (Decimal("20.00"), Decimal("0.00"))),
    ("a_at_max", "1000000000", "", (Decimal("1000000000.00"), Decimal("0.00"))),  # plausible_amount_max
    ("a_abc", "abc", "", "invalid_amount"),
    ("a_comma_decimal", "1,5", "", "invalid_amount"),
    ("a_currency_sign", "$5", "", "invalid_amount"),
    ("a_underscores", "1_000", "", "invalid_amount"),
    ("a_hex", "0x10", "", "invalid_amount"),
    ("a_nan", "NaN", "", "invalid_amount"),
    ("a_infinity", "Infinity", "", "invalid_amount"),
    ("a_minus_infinity", "-Infinity", "", "invalid_amount"),
    ("a_inf", "inf", "", "invalid_amount"),
    ("a_1e15", "1e15", "", "invalid_amount"),  # fits decimal(18, 2) but is out of range
    ("a_above_max", "1000000000.01", "", "invalid_amount"),
    ("a_1e20", "1e20", "", "invalid_amount"),  # does not fit decimal(18, 2)
    ("a_long_digits", "9" * 40, "", "invalid_amount"),
    ("a_null", None, "", "invalid_amount"),
    ("a_negative", "-5", "", "negative_amount"),
    ("a_negative_zero", "-0", "", (Decimal("0.00"), Decimal("0.00"))),
    ("a_discount_nan", "10", "NaN", "invalid_amount"),
    ("a_discount_text", "10", "ten", "invalid_amount"),
    ("a_discount_1e15", "10", "1e15", "invalid_amount"),
    ("a_discount_negative", "10", "-1", "negative_amount"),
    # two amounts that each fit decimal(18, 2) but whose sum does not (for one contact)
    ("a_huge_1", "9000000000000000", "", "invalid_amount"),
    ("a_huge_2", "9000000000000000", "", "invalid_amount"),
]

ORDERS = [
    # (order_id, contact_id, ordered_at, order_total, discount_total, currency, status, shipping_method, product_tier)
    *[((oid, "h_in_orders", "2024-03-01 10:00:00", total, discount, "USD", "completed", "standard", "standard"),
       expected if isinstance(expected, str) else OK)
      for oid, total, discount, expected in AMOUNTS],
    # currencies: not validated (a single currency is assumed; data_quality_report counts them)
    (("s_currency_unknown", "h_in_orders", "2024-03-02 10:00:00", "10", "", "XYZ", "completed", "", ""), OK),
    (("s_currency_symbol", "h_in_orders", "2024-03-02 10:00:00", "10", "", "€", "completed", "", ""), OK),
    (("s_currency_padded", "h_in_orders", "2024-03-02 10:00:00", "10", "", " eur ", "completed", "", ""), OK),
    # statuses: the var order_statuses, case and spaces ignored
    (("s_status_case", "h_in_orders", "2024-03-03 10:00:00", "10", "", "USD", " Completed ", "", ""), OK),
    (("s_status_unknown", "h_in_orders", "2024-03-03 10:00:00", "10", "", "USD", "shipped", "", ""), "unknown_status"),
    (("s_status_null", "h_in_orders", "2024-03-03 10:00:00", "10", "", "USD", None, "", ""), "unknown_status"),
    # nulls in every other column
    (("n_contact", None, "2024-03-04 10:00:00", "10", "", "USD", "completed", "", ""), "missing_contact_id"),
    (("n_contact_blank", " \t ", "2024-03-04 10:00:00", "10", "", "USD", "completed", "", ""), "missing_contact_id"),
    (("n_ordered_at", "h_in_orders", None, "10", "", "USD", "completed", "", ""), "missing_timestamp"),
    (("n_optional", "h_in_orders", "2024-03-04 10:00:00", "10", None, None, "refunded", None, None), OK),
    (("n_bad_time", "h_in_orders", "2024/03/04", "10", "", "USD", "completed", "", ""), "invalid_timestamp"),
    # weird ids
    *[((f"o_{weird}", weird, "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), OK) for weird in WEIRD_IDS],
    # control characters in the order id or the contact id
    *[((f"o_{bad}", "h_in_orders", "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), "invalid_text")
      for bad in CONTROL_IDS],
    *[((f"oc_{i}", bad, "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), "invalid_text")
      for i, bad in enumerate(CONTROL_IDS)],
]
ORDERS_KEYLESS = [
    (None, None, None, None, None, None, None, None, None),  # null in every column
    ("", "h_in_orders", "2024-03-01 10:00:00", "10", "", "USD", "completed", "", ""),
    ("\u3000", "h_in_orders", "2024-03-01 10:00:00", "10", "", "USD", "completed", "", ""),
]


def expected_outcomes(rows):
    """key (trimmed) -> list of expected outcomes (None = staged)."""
    out: dict[str, list] = {}
    for row, expected in rows:
        out.setdefault(row[0].strip(), []).append(expected)
    return out


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
        for row in [row for row, _ in CONTACTS] + CONTACTS_KEYLESS
    ], columns=CONTACT_FILE_COLUMNS)
    write_raw(raw, "events", [row for row, _ in EVENTS] + EVENTS_KEYLESS)
    write_raw(raw, "orders", [row for row, _ in ORDERS] + ORDERS_KEYLESS)
    found = load(raw, "hostile")
    result = build("hostile", base / "work", vars={"raw_schema": found["raw_schema"], "as_of_date": AS_OF})
    assert_ok(result)
    return result


def assert_outcomes(build: Build, table: str, rows, keyless, keyless_reason: str) -> None:
    """Every keyed row staged or quarantined as expected; keyless rows quarantined."""
    expected = expected_outcomes(rows)
    got_quarantine = quarantined(build, table)
    got_staged = staged(build, table)
    for key, outcomes in expected.items():
        reasons = sorted(o for o in outcomes if o is not None)
        assert sorted(got_quarantine.get(key, [])) == reasons, (table, key)
        assert (key in got_staged) == (None in outcomes), (table, key)
    assert sorted(got_quarantine.get(None, [])) == [keyless_reason] * len(keyless)
    assert set(got_quarantine) - {None} <= set(expected)
    assert set(got_staged) <= set(expected)


def test_hostile_accounting_and_report(hostile):
    duplicates = {"contacts": 0, "events": 2, "orders": 0}
    for table, rows, keyless in [("contacts", CONTACTS, CONTACTS_KEYLESS), ("events", EVENTS, EVENTS_KEYLESS),
                                 ("orders", ORDERS, ORDERS_KEYLESS)]:
        read, staged_rows, dupes, quarantined_rows = accounting(hostile)[table]
        bad = sum(1 for _, expected in rows if expected is not None) + len(keyless)
        assert (read, dupes, quarantined_rows) == (len(rows) + len(keyless), duplicates[table], bad), table
    assert_report_matches_accounting(hostile)


def test_nulls_in_every_column(hostile):
    contacts = staged(hostile, "contacts")
    assert (contacts["h_nulls"]["email"], contacts["h_nulls"]["created_at"], contacts["h_nulls"]["email_opt_in"]) == (
        None, None, None)
    events = staged(hostile, "events")
    assert (events["n_anonymous"]["contact_id"], events["n_anonymous"]["anonymous_id"]) == (None, "anon_1")
    assert (events["n_channel_props"]["channel"], events["n_channel_props"]["properties"]) == (None, None)
    orders = staged(hostile, "orders")
    assert orders["n_optional"]["discount_total"] == Decimal("0.00")
    assert orders["n_optional"]["currency"] is None
    for table, rows, keyless, reason in [
        ("contacts", CONTACTS, CONTACTS_KEYLESS, "missing_contact_id"),
        ("events", EVENTS, EVENTS_KEYLESS, "missing_event_id"),
        ("orders", ORDERS, ORDERS_KEYLESS, "missing_order_id"),
    ]:
        assert_outcomes(hostile, table, rows, keyless, reason)
    # a contact with no created_at and no activity still gets its facts row
    assert "h_nulls" in hostile.by_key(FACTS)


def test_empty_and_whitespace_ids(hostile):
    # empty, spaces, tabs, line breaks, no-break / ideographic / zero-width spaces: a missing id
    assert sorted(quarantined(hostile, "contacts")[None]) == ["missing_contact_id"] * len(CONTACTS_KEYLESS)
    assert sorted(quarantined(hostile, "events")[None]) == ["missing_event_id"] * len(EVENTS_KEYLESS)
    assert sorted(quarantined(hostile, "orders")[None]) == ["missing_order_id"] * len(ORDERS_KEYLESS)
    assert quarantined(hostile, "events")["n_identity_blank"] == ["missing_identity"]
    assert quarantined(hostile, "events")["n_type_blank"] == ["missing_event_type"]
    assert quarantined(hostile, "orders")["n_contact_blank"] == ["missing_contact_id"]
    # no staged key is blank, and a padded id is the trimmed id
    for table in KEYS:
        assert all(key.strip() == key and key for key in staged(hostile, table)), table
    padded = staged(hostile, "events")["e_padded"]
    assert (padded["event_type"], padded["channel"]) == ("page_view", "web")


def test_same_event_id_with_different_payloads(hostile):
    events = staged(hostile, "events")
    # the earliest occurred_at wins ...
    assert (events["dup_time"]["event_type"], events["dup_time"]["occurred_at"]) == ("email_open", ts("2024-02-10 09:00:00"))
    assert events["dup_time"]["properties"] == '{"copy": "earlier"}'
    # ... then the lowest raw row text ("channel=email" < "channel=web")
    assert events["dup_text"]["channel"] == "email"
    # an unusable copy is quarantined, the usable one staged (not a duplicate)
    assert quarantined(hostile, "events")["dup_bad"] == ["implausible_timestamp"]
    assert events["dup_bad"]["occurred_at"] == ts("2024-02-12 09:00:00")
    assert accounting(hostile)["events"][2] == 2


def test_ids_with_quotes_semicolons_backslashes_emoji_and_1000_chars(hostile):
    contacts = staged(hostile, "contacts")
    events = staged(hostile, "events")
    orders = staged(hostile, "orders")
    facts = hostile.by_key(FACTS)
    for weird in WEIRD_IDS:
        assert weird in contacts, weird
        assert events[f"ev_{weird}"]["contact_id"] == weird
        assert orders[f"o_{weird}"]["contact_id"] == weird
        # the id reaches the facts intact, in the CRM, with its event and order
        fact = facts[weird]
        assert (fact["is_in_crm"], fact["order_count"], fact["net_revenue"]) == (True, 1, Decimal("10.00")), weird
    assert len(facts[LONG_ID]["contact_id"]) == 1000
    assert "ghost" in facts and facts["ghost"]["is_in_crm"] is False


def test_ids_with_control_characters_are_invalid_text(hostile):
    # a line break, tab, BEL, ESC, U+001F or DEL inside an id: quarantined, kept nowhere else
    got = {table: quarantined(hostile, table) for table in KEYS}
    for i, bad in enumerate(CONTROL_IDS):
        assert got["contacts"][bad] == ["invalid_text"], repr(bad)
        assert got["events"][f"ev_{bad}"] == ["invalid_text"], repr(bad)   # in event_id
        assert got["events"][f"evc_{i}"] == ["invalid_text"], repr(bad)    # in contact_id
        assert got["events"][f"eva_{i}"] == ["invalid_text"], repr(bad)    # in anonymous_id
        assert got["orders"][f"o_{bad}"] == ["invalid_text"], repr(bad)    # in order_id
        assert got["orders"][f"oc_{i}"] == ["invalid_text"], repr(bad)     # in contact_id
    facts = hostile.by_key(FACTS)
    assert not set(CONTROL_IDS) & set(facts)
    membership = hostile.query(f"select distinct contact_id from {hostile.relation('marts.segment_membership')}")
    assert not set(CONTROL_IDS) & {row["contact_id"] for row in membership}
    assert report(hostile)[("contacts", "quarantined_invalid_text")] == len(CONTROL_IDS)
    assert report(hostile)[("events", "quarantined_invalid_text")] == 3 * len(CONTROL_IDS)
    assert report(hostile)[("orders", "quarantined_invalid_text")] == 2 * len(CONTROL_IDS)


def test_timestamps_in_many_shapes(hostile):
    events = staged(hostile, "events")
    got_quarantine = quarantined(hostile, "events")
    for event_id, text, expected in TIMESTAMPS:
        if isinstance(expected, str):
            assert got_quarantine.get(event_id) == [expected], (event_id, text)
            assert event_id not in events
        else:
            assert events[event_id]["occurred_at"] == expected, (event_id, text)
            assert events[event_id]["occurred_date"] == expected.date(), (event_id, text)
    # the raw text is kept in quarantine
    raw = {r["record_key"]: r["raw_record"] for r in hostile.table(QUARANTINE) if r["record_key"]}
    assert "occurred_at=2024/01/05 10:00" in raw["t_slash"]
    assert "occurred_at=<null>" in raw["t_null"]


def test_amounts_as_text_negative_zero_huge_nan_infinity(hostile):
    orders = staged(hostile, "orders")
    got_quarantine = quarantined(hostile, "orders")
    for order_id, total, discount, expected in AMOUNTS:
        if isinstance(expected, str):
            assert got_quarantine.get(order_id) == [expected], (order_id, total, discount)
            assert order_id not in orders
        else:
            assert (orders[order_id]["order_total"], orders[order_id]["discount_total"]) == expected, order_id
    # the huge amounts would have overflowed net_revenue (decimal(18, 2)): none reached a fact
    revenue = hostile.by_key(FACTS)["h_in_orders"]["net_revenue"]
    assert revenue < Decimal("10000000000")


def test_unknown_currencies_and_statuses(hostile):
    orders = staged(hostile, "orders")
    assert {orders[k]["currency"] for k in ("s_currency_unknown", "s_currency_symbol", "s_currency_padded")} == {
        "XYZ", "€", "EUR"}
    assert orders["s_status_case"]["status"] == "completed"
    got_quarantine = quarantined(hostile, "orders")
    assert got_quarantine["s_status_unknown"] == ["unknown_status"]
    assert got_quarantine["s_status_null"] == ["unknown_status"]
    # the report flags more than one currency
    assert report(hostile)[("orders", "distinct_currencies")] == 4  # USD, XYZ, €, EUR


def test_malformed_json_properties_kept_as_text(hostile):
    events = staged(hostile, "events")
    assert events["j_truncated"]["properties"] == '{"url": "/x"'
    assert events["j_not_json"]["properties"] == "not json; at all"
    assert events["j_array"]["properties"] == "[1, 2,"
    assert events["j_emoji"]["properties"] == '{"note": "😀 \\" \\\\"}'


def test_report_flags_what_was_kept(hostile):
    checks = report(hostile)
    assert checks[("events", "unknown_event_type_events")] == 1  # u_unknown
    # events of contacts missing from contacts: ghost, and the anonymous n_anonymous is never stitched
    assert checks[("events", "events_contact_not_in_crm")] == 1
    assert checks[("events", "anonymous_events_never_stitched")] == 1
    assert checks[("orders", "orders_contact_not_in_crm")] == 0
    for table in KEYS:
        assert checks[(table, "rows_after_as_of_date")] == 0
    # freshness against the as-of date (2024-03-31): contacts 2024-01-05, events 2024-02-12, orders 2024-03-05
    assert (checks[("contacts", "freshness_days")], checks[("events", "freshness_days")],
            checks[("orders", "freshness_days")]) == (86, 48, 26)
    assert checks[("events", "quarantined_invalid_timestamp")] == 10


def test_columns_in_another_order_and_an_extra_column(hostile):
    # the loader drops the extra column and maps the others by name
    raw_columns = hostile.query("select column_name from information_schema.columns "
                                "where table_schema = %s and table_name = 'contacts' order by ordinal_position",
                                [f"{RUN}_hostile_raw"])
    assert [r["column_name"] for r in raw_columns] == RAW_COLUMNS["contacts"]
    contact = staged(hostile, "contacts")["h_full"]
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
    assert accounting(result, erased) == {
        "contacts": (20, 19, 0, 0),
        "events": (40, 38, 0, 0),
        "orders": (21, 19, 0, 1),
    }
    assert_report_matches_accounting(result, erased)
    # the loader keeps exactly the contract columns: missing ones are null, extra ones dropped
    columns = result.query("select table_name, string_agg(column_name, ',' order by ordinal_position) as names "
                           "from information_schema.columns where table_schema = %s group by table_name",
                           [found["raw_schema"]])
    assert {r["table_name"]: r["names"].split(",") for r in columns} == {
        **RAW_COLUMNS, "erasure_requests": ["contact_id", "requested_at"]}
    contact = staged(result, "contacts")["c01"]
    assert (contact["email"], contact["email_opt_in"], contact["created_at"]) == (
        "c01@example.com", None, ts("2024-01-02 00:00:00"))
    events = staged(result, "events")
    assert (events["e_c01"]["anonymous_id"], events["e_c01"]["channel"], events["e_c01"]["properties"]) == (
        "d_c01", None, None)
    order = staged(result, "orders")["o_c01"]
    assert (order["order_total"], order["discount_total"], order["currency"]) == (Decimal("10.00"), Decimal("0.00"), None)
    assert quarantined(result, "orders") == {"o_no_total": ["invalid_amount"]}
    facts = result.by_key(FACTS)
    assert (facts["c01"]["order_count"], facts["c01"]["email_opens"]) == (1, 1)
    # c07 is nowhere: not staged, not quarantined, no facts, no segment
    assert "c07" not in staged(result, "contacts")
    assert {"e_c07", "anon_c07"}.isdisjoint(events)
    assert "o_c07" not in staged(result, "orders")
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
    assert accounting(raised, erased) == {
        "contacts": (10, 8, 0, 0),
        "events": (20, 16, 0, 0),
        "orders": (11, 8, 0, 1),
    }
    assert {"c03", "c08"}.isdisjoint(staged(raised, "contacts"))
