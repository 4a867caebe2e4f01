"""The raw column list is defined once (issue 9, item 10): the sources YAML
models/staging/raw/_raw__sources.yml. The macros read it from the graph
(raw_columns in macros/staging/raw_input.sql), Python from the file
(segkit/raw_files.py, and through it the loader, the generator and this
test harness). The optional contacts column time_zone may be absent from a
file (or relation) without being an error: it then reads as null.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from dbt_harness import PROJECT_DIR, RAW_COLUMNS, build_on, write_raw
from segkit import generate, load, raw_files

CONTACTS = "main_staging.stg_raw__contacts"
BASE = "main_staging.base_raw__contacts"
STAGING = ("build", "--select", "+stg_raw__contacts", "--exclude-resource-type", "unit_test")
EVENTS = [("e1", "ann", "", "page_view", "2024-03-01 08:00:00", "web", "")]


def test_python_reads_the_sources_yaml():
    assert RAW_COLUMNS is raw_files.RAW_COLUMNS
    assert RAW_COLUMNS["contacts"] == ["contact_id", "email", "created_at", "email_opt_in", "time_zone"]
    assert raw_files.OPTIONAL_COLUMNS == {"contacts": ["time_zone"], "events": [], "orders": [],
                                          "suppressions": ["email", "email_sha256"]}
    # the optional raw table (issue 10): a folder or schema may lack it
    assert raw_files.OPTIONAL_TABLES == ["suppressions"]
    assert raw_files.CORE_TABLES == ["contacts", "events", "orders"]
    assert RAW_COLUMNS["suppressions"] == ["email", "email_sha256", "reason", "suppressed_at"]
    assert load.SPECS["suppressions"].optional and load.SPECS["suppressions"].required_any == ["email", "email_sha256"]
    for table in ("contacts", "events", "orders", "suppressions"):
        assert load.TABLES[table] == RAW_COLUMNS[table]
    for table in ("contacts", "events", "orders"):
        assert generate.TABLE_COLUMNS[table] == raw_files.REQUIRED_COLUMNS[table]
    assert {c["name"]: c["parsed_as"] for c in raw_files.CONTRACT["orders"]}["order_total"] == "amount"


# A literal list of the contract's columns anywhere else is a second copy.
_Q = r"""["']"""
_COPY = re.compile("|".join(
    r",\s*".join(_Q + name + _Q for name in names)
    for names in (["email", "created_at", "email_opt_in"], ["order_total", "discount_total", "currency"],
                  ["occurred_at", "channel", "properties"])))


def test_no_other_copy_of_the_column_list():
    copies = []
    for folder in ("macros", "models", "segkit", "tests", "scripts", "analyses"):
        for path in (PROJECT_DIR / folder).rglob("*"):
            if path.suffix in (".py", ".sql", ".sh") and path.name != Path(__file__).name:
                if _COPY.search(path.read_text(encoding="utf-8", errors="replace")):
                    copies.append(str(path.relative_to(PROJECT_DIR)))
    assert copies == []


def _record_columns(build) -> list[str]:
    record = build.query(f"select raw_record from {BASE} limit 1")[0]["raw_record"]
    return [part.split("=", 1)[0] for part in record.split(" | ")]


def test_csv_without_time_zone_reads_null(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [("ann", "ann@example.com", "2024-01-02 10:00:00", "true")],
              columns=raw_files.REQUIRED_COLUMNS["contacts"])
    write_raw(raw, "events", EVENTS)
    build = build_on(raw, tmp_path / "work", args=STAGING)
    assert build.ok, build.failures()
    assert build.query(f"select contact_id, time_zone from {CONTACTS}") == [{"contact_id": "ann", "time_zone": None}]
    # the macros' column list is the Python one (the quarantine's raw record lists every column)
    assert _record_columns(build) == RAW_COLUMNS["contacts"]


def test_csv_with_time_zone_passes_it_through_as_text(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [
        {"contact_id": "ann", "email": "ann@example.com", "created_at": "2024-01-02 10:00:00",
         "email_opt_in": "true", "time_zone": " America/Los_Angeles "},
        {"contact_id": "bob", "email": "bob@example.com", "created_at": "2024-01-02 10:00:00",
         "email_opt_in": "true", "time_zone": ""},
    ])
    write_raw(raw, "events", EVENTS)
    build = build_on(raw, tmp_path / "work", args=STAGING)
    assert build.ok, build.failures()
    assert build.by_key(CONTACTS) == {
        "ann": {"contact_id": "ann", "email": "ann@example.com", "created_at": build.by_key(CONTACTS)["ann"]["created_at"],
                "email_opt_in": True, "time_zone": "America/Los_Angeles"},
        "bob": {"contact_id": "bob", "email": "bob@example.com", "created_at": build.by_key(CONTACTS)["bob"]["created_at"],
                "email_opt_in": True, "time_zone": None},
    }


def test_parquet_without_time_zone_reads_null(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    con = duckdb.connect()
    try:
        con.execute("copy (select 'ann' as contact_id, 'ann@example.com' as email, "
                    "timestamp '2024-01-02 10:00:00' as created_at, true as email_opt_in) "
                    f"to '{raw / 'contacts.parquet'}' (format parquet)")
    finally:
        con.close()
    write_raw(raw, "events", EVENTS)
    build = build_on(raw, tmp_path / "work", args=STAGING)
    assert build.ok, build.failures()
    assert build.query(f"select contact_id, email_opt_in, time_zone from {CONTACTS}") == [
        {"contact_id": "ann", "email_opt_in": True, "time_zone": None}]
