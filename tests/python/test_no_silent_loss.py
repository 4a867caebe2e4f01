"""No silent loss: every way raw input or an erasure request could vanish,
or erase the wrong people, either stops the build with a message naming the
file (never a row's content), or is read and accounted for.

Each case is a small story an operator could live through (a typo in the
folder, a file exported with the wrong column name, two exports of one table
side by side, ...). Every case was a silent loss or a silent mass erasure on
the code before this suite (issue 8): the comment on each says what happened
then. After every failing build the test also searches what dbt printed and
its logs/ folder for the raw email addresses of the case: an error must
never echo a raw row.
"""
from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_harness import Build, run_dbt, write_raw

AS_OF = "2024-03-31"
MODELS_ONLY = ("--exclude-resource-type", "test", "unit_test")
STAGING = ("build", "--select", "+stg_raw__row_accounting", *MODELS_ONLY)
ACCOUNTING = "main_staging.stg_raw__row_accounting"
QUARANTINE = "main_staging.stg_raw__quarantine"
EMAILS = [f"person{n}@example.com" for n in range(10)]


def write_shop(raw: Path, contacts: int = 10) -> Path:
    """Ten contacts with one event and one order each."""
    write_raw(raw, "contacts", [
        (f"c{n}", EMAILS[n], "2024-01-01 10:00:00", "true") for n in range(contacts)
    ])
    write_raw(raw, "events", [
        (f"e{n}", f"c{n}", f"anon{n}", "page_view", "2024-02-01 09:00:00", "web", None) for n in range(contacts)
    ])
    write_raw(raw, "orders", [
        (f"o{n}", f"c{n}", "2024-02-02 12:00:00", "10.00", "", "USD", "completed", "standard", "standard")
        for n in range(contacts)
    ])
    return raw


def build(raw: Path | str, work: Path, vars: dict | None = None, args=STAGING) -> Build:
    """dbt on the raw folder (a path, or any text for raw_data_path) into work/warehouse.duckdb."""
    work.mkdir(parents=True, exist_ok=True)
    all_vars = {"raw_data_path": str(raw), "as_of_date": AS_OF, **(vars or {})}
    return run_dbt(list(args), work / "warehouse.duckdb", vars=all_vars)


def accounting(result: Build) -> dict[str, tuple[int, int, int, int, int]]:
    rows = result.table(ACCOUNTING)
    for r in rows:
        assert r["rows_read"] == r["rows_staged"] + r["duplicates_removed"] + r["rows_quarantined"] + r["rows_erased"]
    found = {r["source_table"]: (r["rows_read"], r["rows_staged"], r["duplicates_removed"], r["rows_quarantined"],
                                 r["rows_erased"]) for r in rows}
    # the optional suppression list (tests/python/test_address_suppression.py): these cases give none
    assert found.pop("suppressions") == (0, 0, 0, 0, 0)
    return found


def error_text(result: Build) -> str:
    return "\n".join(result.failures())


def assert_fails_naming(result: Build, capfd, work: Path, *needles: str, secrets=EMAILS) -> str:
    """The build failed; its error holds every needle; nothing printed or logged holds a secret."""
    assert not result.ok, "the build should have stopped"
    printed = capfd.readouterr()
    text = error_text(result) + printed.out + printed.err
    for needle in needles:
        assert needle in text, f"{needle!r} not in the error:\n{text}"
    logged = "".join(p.read_text(errors="replace") for p in (work / "logs").rglob("*") if p.is_file())
    for secret in secrets:
        assert secret not in text, f"{secret!r} was printed"
        assert secret not in logged, f"{secret!r} was logged"
    return text


# --------------------------------------------------------------------------
# erasure that fails closed
# --------------------------------------------------------------------------

def write_parquet(path: Path, sql: str) -> None:
    con = duckdb.connect()
    con.execute(f"copy ({sql}) to '{path}' (format parquet)")
    con.close()


# before, each of these erased every contact (the subquery's contact_id bound to the outer
# raw row) or, for the ragged file, read the wrong rows; now each stops the build naming the file
REFUSED_ERASURE_FILES = {
    "`id` instead of `contact_id`": ("erasure_requests.csv", "id\nc2\n", "erasure_requests.csv: has no contact_id column"),
    "Parquet with `customer_id`": ("erasure_requests.parquet", "select 'c2' as customer_id",
                                   "erasure_requests.parquet: has no contact_id column"),
    "`;` as the delimiter (one column to the sniffer)": (
        "erasure_requests.csv", "contact_id;requested_at\nc2;2024-04-01\n",
        "erasure_requests.csv: has no contact_id column"),
    "a ragged row": ("erasure_requests.csv", "contact_id,requested_at\nc2,2024-04-01\nc3,2024-04-01,oops\n",
                     "erasure_requests.csv line 3: row has 3 fields, the header has 2"),
    "no header line (the first row is data, never printed)": (
        "erasure_requests.csv", "c2,person2@example.com\n", "erasure_requests.csv: has no contact_id column"),
}


@pytest.mark.parametrize("case", list(REFUSED_ERASURE_FILES))
def test_a_malformed_erasure_file_stops_the_build(tmp_path, capfd, case):
    name, content, expected = REFUSED_ERASURE_FILES[case]
    raw = write_shop(tmp_path / "raw")
    if name.endswith(".parquet"):
        write_parquet(raw / name, content)
    else:
        (raw / name).write_text(content)
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work", expected)


def test_erasure_requests_with_semicolons_in_values_are_all_read(tmp_path):
    # before: a `;` in one row made the sniffer pick `;` and no request was read
    raw = write_shop(tmp_path / "raw", contacts=10)
    (raw / "erasure_requests.csv").write_text('contact_id,requested_at\nc2,"via support; ticket 7"\nc3,2024-04-01\n')
    result = build(raw, tmp_path / "work", vars={"erasure_max_share": 0.2})
    assert result.ok, error_text(result)
    assert accounting(result)["contacts"] == (10, 8, 0, 0, 2)
    assert accounting(result)["orders"] == (10, 8, 0, 0, 2)


def test_every_form_of_the_erasure_file_is_read(tmp_path):
    # before: erasure_requests.parquet next to erasure_requests.csv read only the Parquet
    raw = write_shop(tmp_path / "raw")
    (raw / "erasure_requests.csv").write_text("contact_id,requested_at\nc2,2024-04-01\n")
    write_parquet(raw / "erasure_requests.parquet", "select 'c5' as contact_id")
    result = build(raw, tmp_path / "work", vars={"erasure_max_share": 0.2})
    assert result.ok, error_text(result)
    staged = {r["contact_id"] for r in result.table("main_staging.stg_raw__contacts")}
    assert staged == {f"c{n}" for n in range(10)} - {"c2", "c5"}


def test_erasing_more_than_the_cap_needs_the_var_raised(tmp_path, capfd):
    raw = write_shop(tmp_path / "raw")
    (raw / "erasure_requests.csv").write_text("contact_id\nc1\nc2\n")  # 2 of 10 = 20% > 5%
    work = tmp_path / "work"
    assert_fails_naming(build(raw, work), capfd, work,
                        "the erasure requests name 2 of the 10 raw contacts (20.0%)",
                        "erasure_max_share = 0.05", "--vars '{erasure_max_share: 0.2}'")
    raised = build(raw, work, vars={"erasure_max_share": 0.2})
    assert raised.ok, error_text(raised)
    assert accounting(raised)["contacts"] == (10, 8, 0, 0, 2)


def test_erasure_relation_without_contact_id_column_stops_the_build(tmp_path, capfd):
    # before, on DuckDB: a CRM table with `id` erased everyone; on PostgreSQL it erased nobody
    raw = write_shop(tmp_path / "raw")
    work = tmp_path / "work"
    work.mkdir()
    con = duckdb.connect(str(work / "warehouse.duckdb"))
    con.execute("create schema crm; create table crm.erasure_requests as select 'c2' as id")
    con.close()
    assert_fails_naming(build(raw, work, vars={"erasure_requests_relation": "crm.erasure_requests"}), capfd, work,
                        "crm", "erasure_requests", "has no contact_id column")


def test_erasure_relation_that_does_not_exist_stops_the_build(tmp_path, capfd):
    raw = write_shop(tmp_path / "raw")
    assert_fails_naming(build(raw, tmp_path / "work", vars={"erasure_requests_relation": "crm.nothing_here"}),
                        capfd, tmp_path / "work", "nothing_here", "does not exist")


def test_an_erased_contacts_device_is_not_relinked_to_another_contact(tmp_path):
    # story: Erin browses anonymously on a shared tablet (anon-tablet), signs in once, then asks to be
    # erased; later Kim signs in on the same tablet. Before: Erin's anonymous browsing moved to Kim.
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [("erin", "erin@example.com", "2024-01-01 10:00:00", "true")]
              + [(f"k{n}", f"k{n}@example.com", "2024-01-01 10:00:00", "true") for n in range(20)])
    write_raw(raw, "events", [
        ("a1", None, "anon-tablet", "product_view", "2024-02-01 09:00:00", "web", None),   # Erin, anonymous
        ("a2", None, "anon-tablet", "product_view", "2024-02-01 09:05:00", "web", None),
        ("a3", "erin", "anon-tablet", "form_submit", "2024-02-02 09:00:00", "web", None),  # Erin signs in
        ("a4", "k1", "anon-tablet", "page_view", "2024-03-01 09:00:00", "web", None),      # Kim on the tablet
        ("a5", "k1", "anon-phone", "page_view", "2024-03-02 09:00:00", "web", None),
        ("a6", None, "anon-phone", "page_view", "2024-03-03 09:00:00", "web", None),      # Kim's own device
    ])
    write_raw(raw, "orders", [])
    (raw / "erasure_requests.csv").write_text("contact_id\nerin\n")
    result = build(raw, tmp_path / "work", args=("build", "--select", "+int_events_stitched", "+stg_raw__row_accounting", *MODELS_ONLY))
    assert result.ok, error_text(result)
    stitched = result.by_key("main_intermediate.int_events_stitched", key="event_id")
    assert set(stitched) == {"a4", "a5", "a6"}                      # Erin's events, anonymous ones included, are gone
    assert stitched["a4"]["contact_id"] == "k1"                     # Kim keeps her own event
    assert stitched["a6"]["contact_id"] == "k1"                     # and her own device
    identity = result.by_key("main_intermediate.int_identity_map", key="anonymous_id")
    assert set(identity) == {"anon-phone"}                          # the tablet links nobody
    assert accounting(result)["events"] == (6, 3, 0, 0, 3)


# --------------------------------------------------------------------------
# no silent input loss
# --------------------------------------------------------------------------

def test_raw_data_path_that_does_not_exist_stops_the_build(tmp_path, capfd):
    # before: every table built empty, green
    write_shop(tmp_path / "raw")
    assert_fails_naming(build(str(tmp_path / "rwa"), tmp_path / "work"), capfd, tmp_path / "work",
                        "rwa: no such folder")


def test_folder_without_any_raw_table_stops_the_build(tmp_path, capfd):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "README.txt").write_text("nothing here")
    assert_fails_naming(build(folder, tmp_path / "work"), capfd, tmp_path / "work",
                        "holds none of the raw tables")


def test_a_glob_in_raw_data_path_is_refused(tmp_path, capfd):
    # before: the first match of the glob was read, the rest ignored
    write_shop(tmp_path / "raw1")
    write_shop(tmp_path / "raw2")
    assert_fails_naming(build(str(tmp_path / "raw*"), tmp_path / "work"), capfd, tmp_path / "work",
                        "raw*: a glob pattern")


def test_dangling_link_stops_the_build(tmp_path, capfd):
    # before: a dangling events.csv symlink read 0 events
    raw = write_shop(tmp_path / "raw")
    (raw / "events.csv").unlink()
    os.symlink(tmp_path / "moved" / "events.csv", raw / "events.csv")
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work",
                        "events.csv", "which does not exist")


def test_two_forms_of_one_table_stop_the_build(tmp_path, capfd):
    # before: contacts.parquet next to contacts.csv silently ignored the CSV
    raw = write_shop(tmp_path / "raw")
    write_parquet(raw / "contacts.parquet", "select 'c99' as contact_id")
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work",
                        "two forms of table contacts", "contacts.csv", "contacts.parquet")


def test_gzipped_csv_is_read(tmp_path):
    # before: events.csv.gz alone was an empty table
    raw = write_shop(tmp_path / "raw")
    with open(raw / "events.csv", "rb") as plain, gzip.open(raw / "events.csv.gz", "wb") as packed:
        shutil.copyfileobj(plain, packed)
    (raw / "events.csv").unlink()
    result = build(raw, tmp_path / "work")
    assert result.ok, error_text(result)
    assert accounting(result)["events"] == (10, 10, 0, 0, 0)


@pytest.mark.parametrize("name", ["events.json", "events.csv.zst", "events.csv.bak", "Events.CSV", "events"])
def test_unsupported_file_named_like_a_table_stops_the_build(tmp_path, capfd, name):
    raw = write_shop(tmp_path / "raw")
    (raw / "events.csv").rename(raw / name)
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work", f"{name}: not a form of table events")


def test_duplicated_header_name_stops_the_build(tmp_path, capfd):
    # before: the second contact_id column was silently dropped
    raw = write_shop(tmp_path / "raw")
    (raw / "contacts.csv").write_text("contact_id,email,contact_id,created_at\nc1,person1@example.com,c2,2024-01-01\n")
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work",
                        "contacts.csv line 1: the header names column contact_id twice (fields 1 and 3)")


def test_nested_parquet_column_stops_the_build(tmp_path, capfd):
    # before: a struct contact_id was staged as the text {'id': c1}
    raw = write_shop(tmp_path / "raw")
    (raw / "contacts.csv").unlink()
    write_parquet(raw / "contacts.parquet", "select {'id': 'c1'} as contact_id, 'person1@example.com' as email")
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work",
                        "contacts.parquet", "column 'contact_id' has the nested type STRUCT")


def test_control_characters_in_ids_are_quarantined(tmp_path):
    # before: a NUL byte in an id created a new id that looks like c1
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [
        ("c1", "person1@example.com", "2024-01-01 10:00:00", "true"),
        ("c1\x00", "person2@example.com", "2024-01-01 10:00:00", "true"),
        ("c\x073", "person3@example.com", "2024-01-01 10:00:00", "true"),
    ])
    write_raw(raw, "events", [
        ("e1", "c1", None, "page_view", "2024-02-01 09:00:00", "web", None),
        ("e2", "c1", "an\x1bon", "page_view", "2024-02-01 09:00:00", "web", None),
        ("e\x003", "c1", None, "page_view", "2024-02-01 09:00:00", "web", None),
    ])
    write_raw(raw, "orders", [
        ("o1", "c1\x7f", "2024-02-02 12:00:00", "10.00", "", "USD", "completed", "standard", "standard"),
    ])
    result = build(raw, tmp_path / "work")
    assert result.ok, error_text(result)
    reasons = result.query(f"select source_table, rejection_reason, count(*) as n from {QUARANTINE} group by all")
    assert {(r["source_table"], r["rejection_reason"]): r["n"] for r in reasons} == {
        ("contacts", "invalid_text"): 2, ("events", "invalid_text"): 2, ("orders", "invalid_text"): 1}
    assert [r["contact_id"] for r in result.table("main_staging.stg_raw__contacts")] == ["c1"]
    assert accounting(result) == {"contacts": (3, 1, 0, 2, 0), "events": (3, 1, 0, 2, 0), "orders": (1, 0, 0, 1, 0)}


def test_ragged_csv_error_names_file_and_line_but_not_the_row(tmp_path, capfd):
    # before: DuckDB's error printed `Original Line: c2,person2@example.com,...` to stdout and logs/dbt.log
    raw = write_shop(tmp_path / "raw")
    lines = (raw / "contacts.csv").read_text().splitlines()
    lines[3] += ",unexpected"
    (raw / "contacts.csv").write_text("\n".join(lines) + "\n")
    # the header has 5 columns since issue 9 (the optional contacts.time_zone, which write_raw writes empty)
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work",
                        "contacts.csv line 4: row has 6 fields, the header has 5")


def test_invalid_utf8_error_names_file_and_line_but_not_the_row(tmp_path, capfd):
    raw = write_shop(tmp_path / "raw")
    data = (raw / "events.csv").read_bytes().replace(b"e3,c3", b"e3,c\xff3")
    (raw / "events.csv").write_bytes(data)
    assert_fails_naming(build(raw, tmp_path / "work"), capfd, tmp_path / "work",
                        "events.csv line 5", "not valid UTF-8")


def test_empty_table_builds_green_and_says_so(tmp_path, capfd):
    # an empty input is normal: green, with a log line that says why the table is empty
    raw = write_shop(tmp_path / "raw")
    (raw / "orders.csv").unlink()
    result = run_dbt(list(STAGING), tmp_path / "work" / "warehouse.duckdb",
                     vars={"raw_data_path": str(raw), "as_of_date": AS_OF})
    assert result.ok, error_text(result)
    assert accounting(result)["orders"] == (0, 0, 0, 0, 0)
    logged = (tmp_path / "work" / "logs" / "dbt.log").read_text()
    assert "Raw input: no orders rows in" in logged


# --------------------------------------------------------------------------
# a consistent build
# --------------------------------------------------------------------------

def test_interrupted_rebuild_is_reported(tmp_path):
    raw = write_shop(tmp_path / "raw")
    work = tmp_path / "work"
    first = build(raw, work, args=("build", "--select", "+fct_contact_behavior", *MODELS_ONLY))
    assert first.ok, error_text(first)
    # a rebuild with a new as-of date that stops after int_as_of_date
    partial = build(raw, work, vars={"as_of_date": "2024-04-30"}, args=("run", "--select", "int_as_of_date"))
    assert not partial.ok
    text = str(partial.result.exception)
    assert "int_as_of_date is 2024-04-30" in text and "fct_contact_behavior (2024-03-31)" in text
    assert "Rebuild after an interrupted run" in text
    # the rebuild makes it whole again
    whole = build(raw, work, vars={"as_of_date": "2024-04-30"}, args=("build", "--select", "+fct_contact_behavior", *MODELS_ONLY))
    assert whole.ok, error_text(whole)

