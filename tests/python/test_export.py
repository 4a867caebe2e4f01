"""Exports only after tests pass: `python -m segkit.export` (segkit/export.py).

The activation lists are written to <folder>/<list>.csv only when the last
dbt command was a `dbt build` in which every list was built and every data
test of the lists and of all their upstream models passed; the files are
written under a temporary name and renamed over the old ones. A small shop
(one contact per list) is built once; each scenario then works on a copy of
that database and target folder, and on a copy of the exported files:
  (1) a good build exports the four lists with the expected rows, and nothing else;
  (2) a build in which a list's own test fails replaces no file (byte for
      byte, same inode and mtime) and the command names the failed test;
  (3) `dbt run` (no tests), also when it left the good build's results behind
      (the tables carry the id of the dbt command that wrote them), and a
      `dbt build --select` of one list (its upstream tests not run, the other
      lists not built) export nothing;
  (4) a write that fails half way replaces no file and leaves no temporary
      file (nor does a good export);
  and: a failed, skipped or missing test upstream, a failed on-run-end check
  or --empty in the build's results blocks, a warning does not; a build
  without any contact (an empty raw folder) is never exported; other engines
  are refused with a DuckDB-only message; the retired var export_path stops
  the build with a pointer to the new command.

The two files of every list and the manifest (segkit/export.py): <list>.csv
(the static list keyed by contact_id, no email column unless the build's var
activation_include_email is true, then the address from stg_raw__contacts),
<list>.audience.csv (header Email, the distinct email_sha256 values) and
activation_manifest.json (per file: rows, SHA-256 of the bytes, as_of_date,
rule_version; the build's invocation id and generated_at):
  (5) the manifest's row counts and hashes match the files it lists, and it
      lists every exported file;
  (6) the audience file holds exactly the distinct hashes of the list's
      contacts (two contacts with one address: one row) and no raw address;
      without the var no file holds a raw address, with it only the
      static-list files do;
  (7) hostile values (CSV injection, OWASP): formula-like contact ids and
      emails that pass staging go through a real build; tab-, CR- and
      newline-carrying ids (which staging trims or quarantines) are written
      into a copy of the built list; parsed back with the csv module, every
      dangerous text cell is "'" + the original, every other cell is the
      original, a negative number stays a number, and no cell starts a formula;
  (8) the var is read from the build's run_results.json (a dict or the
      --vars text); anything but true/false blocks the export.
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw
from segkit import export as segkit_export

AS_OF = "2024-03-31"
LISTS = {
    "activation_cart_abandoners": ["c_cart"],
    "activation_nurture": ["c_nurture"],
    "activation_re_engagement": ["c_reengage"],
    "activation_upsell": ["c_upsell"],
}
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")
MANIFEST = "activation_manifest.json"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def exported_files(names=LISTS) -> list[str]:
    """What a good export leaves in the folder: both files of every list and the manifest."""
    return sorted([f"{name}.csv" for name in names] + [f"{name}.audience.csv" for name in names] + [MANIFEST])


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def table_columns(build: Build, name: str) -> list[str]:
    return [row["column_name"] for row in build.query(f"describe main_marts.{name}")]


def normalized_sha256(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


SHOP_EMAILS = {cid: f"{cid}@example.com" for cid in ["c_cart", "c_nurture", "c_reengage", "c_upsell", "c_spam"]}


def write_shop(raw: Path) -> Path:
    contacts = [(cid, email, "2023-06-01 10:00:00", "true") for cid, email in SHOP_EMAILS.items()]
    events = [
        ("e1", "c_cart", None, "add_to_cart", "2024-03-30 10:00:00", "web", None),
        ("e2", "c_nurture", None, "content_download", "2024-03-20 10:00:00", "web", None),
        ("e3", "c_reengage", None, "email_open", "2023-11-01 10:00:00", "email", None),
        # emails that reached the inbox since, unanswered (a send, not an engagement)
        *[(f"e3_{n}", "c_reengage", None, "email_delivered", f"{day} 10:00:00", "email", None)
          for n, day in enumerate(["2023-12-01", "2024-01-10", "2024-02-20"])],
        # would be on the nurture list, but reported spam: on no list
        ("e4", "c_spam", None, "content_download", "2024-03-20 10:00:00", "web", None),
        ("e5", "c_spam", None, "spam_report", "2023-08-01 10:00:00", "email", None),
    ]
    orders = [(f"o{n}", "c_upsell", f"{day} 12:00:00", "40.00", "", "USD", "completed", "standard", "standard")
              for n, day in enumerate(["2024-03-01", "2024-03-10", "2024-03-20"])]
    write_raw(raw, "contacts", contacts)
    write_raw(raw, "events", events)
    write_raw(raw, "orders", orders)
    return raw


def release_duckdb() -> None:
    """Close the DuckDB file dbt-duckdb keeps open in this process, so the export (a
    separate process, as for a user) can open it: dbt run in its own process ends the same way."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()
    DuckDBConnectionManager.close_all_connections()


def export(work: Path, folder: Path) -> tuple[int, str]:
    """The command a user runs after the build, on that build's target folder and database."""
    release_duckdb()
    done = subprocess.run(
        [sys.executable, "-m", "segkit.export", "--to", str(folder),
         "--target-path", str(work / "target"), "--database", str(work / "warehouse.duckdb")],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry of the folder (hidden ones too): bytes, inode and mtime, so a rewrite shows."""
    return {p.name: (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


class Shop:
    """The good build (database and target in work) and its export (out)."""

    def __init__(self, raw: Path, work: Path, out: Path, build: Build, output: str):
        self.raw, self.work, self.out, self.build, self.output = raw, work, out, build, output

    def clone(self, dest: Path) -> tuple[Path, Path]:
        """A copy of the built database and target folder, and of the exported files."""
        shutil.copytree(self.work, dest / "work", ignore=shutil.ignore_patterns("logs"))
        shutil.copytree(self.out, dest / "out")
        return dest / "work", dest / "out"

    def dbt(self, work: Path, args) -> Build:
        return run_dbt(list(args), work / "warehouse.duckdb", vars={"raw_data_path": str(self.raw), "as_of_date": AS_OF})


def con_execute(work: Path, sql: str) -> None:
    con = duckdb.connect(str(work / "warehouse.duckdb"))
    try:
        con.execute(sql)
    finally:
        con.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Shop:
    base = tmp_path_factory.mktemp("export")
    raw = write_shop(base / "raw")
    build = build_on(raw, base / "work", vars={"as_of_date": AS_OF}, args=("build", *NO_UNIT_TESTS))
    assert build.ok, build.failures()
    out = base / "out"
    out.mkdir()
    code, output = export(base / "work", out)
    assert code == 0, output
    return Shop(raw, base / "work", out, build, output)


def test_good_build_exports_the_four_lists(shop):
    assert sorted(p.name for p in shop.out.iterdir()) == exported_files()  # no temp files
    for name, contact_ids in LISTS.items():
        rows = read_csv(shop.out / f"{name}.csv")
        table = shop.build.table(f"main_marts.{name}", order_by="contact_id")
        # every column of the table, but never the table's own email column (without the var: no email at all)
        assert rows[0] == [column for column in table_columns(shop.build, name) if column != "email"]
        assert [row[0] for row in rows[1:]] == contact_ids == [row["contact_id"] for row in table]
        header = rows[0]
        assert "email" not in header
        assert rows[1][header.index("email_sha256")] == table[0]["email_sha256"]
        assert rows[1][header.index("list_reason")] == table[0]["list_reason"]
        assert f"exported {name}: {len(contact_ids)} rows" in shop.output
        assert f"exported {name} hashed audience: {len(contact_ids)} distinct hashed emails" in shop.output


def test_failed_list_test_keeps_the_last_good_files(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    # a regression upstream: the upsell contact's purchase rhythm is lost after
    # the assignment chose the contact; the list (rebuilt alone) still takes the
    # contact, and its own tests catch the missing evidence
    con_execute(work, "update main_marts.fct_contact_behavior set expected_purchase_gap_days = null "
                      "where contact_id = 'c_upsell'")
    failed = shop.dbt(work, ["build", "--select", "activation_upsell"])
    assert not failed.ok
    assert any(f.startswith("not_null_activation_upsell_expected_purchase_gap_days: fail")
               for f in failed.failures()), failed.failures()
    code, output = export(work, out)
    assert code == 1, output
    assert "NOT exported" in output
    assert "test fail: not_null_activation_upsell_expected_purchase_gap_days" in output, output
    assert snapshot(out) == before


def test_dbt_run_exports_nothing(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    empty = tmp_path / "empty"
    empty.mkdir()
    good_artifacts = {name: (work / "target" / name).read_bytes() for name in ("manifest.json", "run_results.json")}
    ran = shop.dbt(work, ["run"])
    assert ran.ok, ran.failures()
    for folder in (out, empty):
        code, output = export(work, folder)
        assert code == 1, output
        assert "the last dbt command was `dbt run`" in output and "no tests ran" in output, output
    # a run killed before it wrote its results leaves the good build's results
    # behind, next to tables that build never tested: still nothing
    for name, data in good_artifacts.items():
        (work / "target" / name).write_bytes(data)
    code, output = export(work, out)
    assert code == 1, output
    assert "was written by another dbt command" in output, output
    assert snapshot(out) == before
    assert list(empty.iterdir()) == []


def test_subset_build_without_upstream_tests_exports_nothing(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    built = shop.dbt(work, ["build", "--select", "activation_upsell"])
    assert built.ok, built.failures()  # the list and its own tests passed, nothing upstream was tested
    code, output = export(work, out)
    assert code == 1, output
    assert "list activation_nurture was not built in this run (not selected)" in output, output
    assert "or their upstream models did not run in this build" in output, output
    assert snapshot(out) == before


def test_failed_write_replaces_nothing_and_leaves_no_temp_files(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    # the gate passes (the good build's results and tables), then the last list
    # cannot be read: the three lists written before it must not replace their files
    con_execute(work, "alter table main_marts.activation_upsell rename column contact_id to contact_key")
    code, output = export(work, out)
    assert code == 1, output
    assert "could not write activation_upsell" in output, output
    assert snapshot(out) == before  # no file replaced, no .tmp- file left


def test_build_without_contacts_is_never_exported(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    # what an empty raw folder builds: every test passes on no rows
    for name in [*LISTS, "contactability"]:
        con_execute(work, f"delete from main_marts.{name}")
    code, output = export(work, out)
    assert code == 1, output
    assert "no contacts at all" in output, output
    assert snapshot(out) == before


def edit_result(results: dict, startswith: str, **changes) -> None:
    [result] = [r for r in results["results"] if r["unique_id"].startswith(startswith)]
    result.update(changes)


# edits of the good build's run_results.json: what blocks and what does not
RESULT_EDITS = {
    "upstream_test_failed": (
        lambda rr: edit_result(rr, "test.behavioral_segmentation.unique_fct_contact_behavior_contact_id.",
                               status="fail", message="Got 1 result, configured to fail if != 0"),
        "test fail: unique_fct_contact_behavior_contact_id (Got 1 result"),
    "list_test_skipped": (
        lambda rr: edit_result(rr, "test.behavioral_segmentation.unique_activation_nurture_contact_id.",
                               status="skipped", message=None),
        "test skipped: unique_activation_nurture_contact_id"),
    "upstream_test_not_run": (
        lambda rr: rr.update(results=[r for r in rr["results"]
                                      if not r["unique_id"].startswith("test.behavioral_segmentation.not_null_int_contacts_contact_id.")]),
        "1 data tests of activation_cart_abandoners, activation_nurture, activation_re_engagement, "
        "activation_upsell or their upstream models did not run in this build (e.g. not_null_int_contacts_contact_id)"),
    "on_run_end_hook_failed": (
        lambda rr: edit_result(rr, "operation.behavioral_segmentation.behavioral_segmentation-on-run-end-0",
                               status="error", message="Inconsistent build: ..."),
        "hook error: behavioral_segmentation-on-run-end-0 (Inconsistent build: ...)"),
    "empty_build": (lambda rr: rr["args"].update(empty=True), "the last build ran with --empty"),
}


@pytest.mark.parametrize("edit", RESULT_EDITS, ids=list(RESULT_EDITS))
def test_any_unverified_part_of_the_lineage_blocks(shop, tmp_path, edit):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    change, expected = RESULT_EDITS[edit]
    path = work / "target" / "run_results.json"
    results = json.loads(path.read_text())
    change(results)
    path.write_text(json.dumps(results))
    code, output = export(work, out)
    assert code == 1, output
    assert expected in output, output
    assert snapshot(out) == before


def test_a_warning_does_not_block(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    path = work / "target" / "run_results.json"
    results = json.loads(path.read_text())
    edit_result(results, "test.behavioral_segmentation.unique_fct_contact_behavior_contact_id.",
                status="warn", message="Got 1 result, configured to warn if != 0")
    path.write_text(json.dumps(results))
    code, output = export(work, out)
    assert code == 0, output
    assert "warning from test unique_fct_contact_behavior_contact_id (does not block)" in output, output
    assert sorted(p.name for p in out.iterdir()) == exported_files()


def test_other_engines_are_refused(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    manifest_path = work / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["metadata"]["adapter_type"] = "postgres"
    manifest_path.write_text(json.dumps(manifest))
    code, output = export(work, out)
    assert code == 1, output
    assert "DuckDB-only" in output and "postgres" in output, output
    assert snapshot(out) == before


def test_retired_export_path_var_stops_the_build(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    stopped = run_dbt(["build", "--select", "activation_nurture"], work / "warehouse.duckdb",
                      vars={"raw_data_path": str(shop.raw), "as_of_date": AS_OF, "export_path": str(out)})
    assert not stopped.ok
    assert "python -m segkit.export --to" in str(stopped.result.exception), stopped.failures()
    assert snapshot(out) == before


# --- the two files of every list and the manifest --------------------------------------------


def manifest_of(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text())


def test_manifest_matches_the_exported_files(shop):
    manifest = manifest_of(shop.out)
    results = json.loads((shop.work / "target" / "run_results.json").read_text())
    assert manifest["dbt_invocation_id"] == results["metadata"]["invocation_id"]
    assert manifest["generated_at"] == results["metadata"]["generated_at"]
    assert manifest["activation_include_email"] is False
    entries = manifest["files"]
    # every file in the folder (but the manifest itself) is listed once, both forms of every list
    assert sorted(entry["file"] for entry in entries) == [name for name in exported_files() if name != MANIFEST]
    assert sorted((entry["list"], entry["form"]) for entry in entries) == sorted(
        (name, form) for name in LISTS for form in ("static_list", "hashed_audience"))
    for entry in entries:
        path = shop.out / entry["file"]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), entry
        assert entry["rows"] == len(read_csv(path)) - 1, entry  # the header is not a row
        assert entry["file"] == entry["list"] + (".csv" if entry["form"] == "static_list" else ".audience.csv")
        assert entry["as_of_date"] == AS_OF, entry
        # the list's one rule_version; null while the table has no such column (or no row)
        versions = ({row["rule_version"] for row in shop.build.table(f"main_marts.{entry['list']}")}
                    if "rule_version" in table_columns(shop.build, entry["list"]) else set())
        assert entry["rule_version"] == (versions.pop() if versions else None), entry
        assert not versions, entry
    static = {entry["list"]: entry["rows"] for entry in entries if entry["form"] == "static_list"}
    assert static == {name: len(ids) for name, ids in LISTS.items()}


def test_audience_file_holds_the_distinct_hashes_and_no_address(shop):
    for name, contact_ids in LISTS.items():
        text = (shop.out / f"{name}.audience.csv").read_text(encoding="utf-8")
        rows = read_csv(shop.out / f"{name}.audience.csv")
        assert rows[0] == ["Email"]
        assert [row for row in rows[1:]] == [[normalized_sha256(SHOP_EMAILS[cid])] for cid in sorted(contact_ids)]
        assert "@" not in text
        assert all(len(row[0]) == 64 and set(row[0]) <= set("0123456789abcdef") for row in rows[1:])


def test_no_raw_address_in_any_file_without_the_var(shop):
    for path in shop.out.iterdir():
        text = path.read_text(encoding="utf-8").lower()
        for email in SHOP_EMAILS.values():
            assert email.lower() not in text, (path.name, email)


@pytest.mark.parametrize("given, expected", [
    (None, False),
    ({}, False),
    ({"raw_data_path": "/x"}, False),
    ({"activation_include_email": True}, True),
    ({"activation_include_email": False}, False),
    ("{activation_include_email: true, as_of_date: '2024-03-31'}", True),
    ('{"activation_include_email": false}', False),
    ("", False),
])
def test_include_email_var_is_read_from_the_build_args(given, expected):
    args = {} if given is None else {"vars": given}
    assert segkit_export.include_email_var({"args": args}) is expected


@pytest.mark.parametrize("given", [
    {"activation_include_email": "maybe"},
    {"activation_include_email": 1},
    {"activation_include_email": None},
    "{activation_include_email: maybe}",
    "{activation_include_email: [true]}",
    "[1, 2]",
    "{activation_include_email: ",
])
def test_include_email_var_other_values_block(given):
    with pytest.raises(segkit_export.ExportBlocked, match="activation_include_email"):
        segkit_export.include_email_var({"args": {"vars": given}})


def test_a_bad_include_email_var_in_the_results_blocks(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    path = work / "target" / "run_results.json"
    results = json.loads(path.read_text())
    results["args"]["vars"] = "{raw_data_path: /x, activation_include_email: 'yes please'}"
    path.write_text(json.dumps(results))
    code, output = export(work, out)
    assert code == 1, output
    assert "activation_include_email" in output and "true or false" in output, output
    assert snapshot(out) == before


def test_the_var_in_the_results_adds_the_address_to_the_static_files_only(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    path = work / "target" / "run_results.json"
    results = json.loads(path.read_text())
    results["args"]["vars"] = json.dumps({**results["args"]["vars"], "activation_include_email": True})  # the text form
    path.write_text(json.dumps(results))
    code, output = export(work, out)
    assert code == 0, output
    assert manifest_of(out)["activation_include_email"] is True
    for name, contact_ids in LISTS.items():
        rows = read_csv(out / f"{name}.csv")
        assert rows[0].count("email") == 1 and rows[0][-1] == "email"
        assert [row[-1] for row in rows[1:]] == [SHOP_EMAILS[cid] for cid in contact_ids]
        audience = (out / f"{name}.audience.csv").read_text(encoding="utf-8")
        assert "@" not in audience
    # the database is opened read-only: the address went into no table
    for name in LISTS:
        table = shop.build.query(f"select * from main_marts.{name}")
        assert all(row.get("email") is None for row in table)


# --- hostile values: CSV injection (OWASP) ----------------------------------------------------

#: contact ids that pass staging (no control characters) and land on the cart list
HOSTILE_IDS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", 'say "hi"', "a,b", "plain"]
#: addresses that pass the syntax test and start a formula
HOSTILE_EMAILS = {"h_eq": "=1+2@example.com", "h_plus": "+cmd@example.com", "h_minus": "-cmd@example.com"}
#: two contacts, one address (mixed case and spaces): one row of the audience file
SHARED = {"h_shared_a": "Shared@Example.com", "h_shared_b": "  shared@example.COM "}
#: values staging trims or quarantines (a tab or CR in front, a line break), written into a copy of the built list
INJECTED_IDS = {"plain": "\tTAB", "a,b": "\rCR", 'say "hi"': "line\nbreak, \"quoted\""}


def expected_cell(value: str) -> str:
    return "'" + value if value[:1] in FORMULA_START else value


def assert_no_formula_cell(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), (cell, row)


@pytest.fixture(scope="module")
def hostile_shop(tmp_path_factory) -> Shop:
    base = tmp_path_factory.mktemp("export_hostile")
    raw = base / "raw"
    contacts = {cid: f"h{n}@example.com" for n, cid in enumerate(HOSTILE_IDS)} | HOSTILE_EMAILS | SHARED
    write_raw(raw, "contacts", [(cid, email, "2023-06-01 10:00:00", "true") for cid, email in contacts.items()])
    write_raw(raw, "events", [(f"e{n}", cid, None, "add_to_cart", "2024-03-30 10:00:00", "web", None)
                              for n, cid in enumerate(contacts)])
    write_raw(raw, "orders", [])
    build = build_on(raw, base / "work", vars={"as_of_date": AS_OF, "activation_include_email": True},
                     args=("build", *NO_UNIT_TESTS))
    assert build.ok, build.failures()
    out = base / "out"
    out.mkdir()
    code, output = export(base / "work", out)
    assert code == 0, output
    shop = Shop(raw, base / "work", out, build, output)
    shop.contacts = contacts
    return shop


def test_hostile_contact_ids_round_trip_neutralized(hostile_shop):
    table = hostile_shop.build.table("main_marts.activation_cart_abandoners", order_by="contact_id")
    assert set(HOSTILE_IDS) | set(HOSTILE_EMAILS) <= {row["contact_id"] for row in table}  # they reached the list
    rows = read_csv(hostile_shop.out / "activation_cart_abandoners.csv")
    header = rows[0]
    assert [row[header.index("contact_id")] for row in rows[1:]] == [expected_cell(r["contact_id"]) for r in table]
    ids = {row[header.index("contact_id")] for row in rows[1:]}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2", "'@SUM(A1)"} <= ids
    assert {'say "hi"', "a,b", "plain"} <= ids  # quotes and commas round-trip, not prefixed
    assert all(len(row) == len(header) for row in rows)
    for path in hostile_shop.out.glob("*.csv"):
        assert_no_formula_cell(read_csv(path))


def test_email_only_in_the_static_files_with_the_var(hostile_shop):
    assert manifest_of(hostile_shop.out)["activation_include_email"] is True
    staged = hostile_shop.build.by_key("main_staging.stg_raw__contacts")
    table = hostile_shop.build.table("main_marts.activation_cart_abandoners", order_by="contact_id")
    rows = read_csv(hostile_shop.out / "activation_cart_abandoners.csv")
    header = rows[0]
    assert header.count("email") == 1 and header[-1] == "email"
    emails = {row[header.index("contact_id")]: row[header.index("email")] for row in rows[1:]}
    assert emails == {expected_cell(r["contact_id"]): expected_cell(staged[r["contact_id"]]["email"]) for r in table}
    assert (emails["h_eq"], emails["h_plus"], emails["h_minus"]) == (
        "'=1+2@example.com", "'+cmd@example.com", "'-cmd@example.com")
    for cid in SHARED:
        if cid in emails:
            assert emails[cid] == "shared@example.com"  # the staged (normalized) address
    # the audience file: the distinct hashes of the list's contacts, no address
    audience_path = hostile_shop.out / "activation_cart_abandoners.audience.csv"
    audience = read_csv(audience_path)
    expected = sorted({normalized_sha256(hostile_shop.contacts[r["contact_id"]]) for r in table})
    assert expected == sorted({r["email_sha256"] for r in table})
    assert audience == [["Email"], *[[digest] for digest in expected]]
    if set(SHARED) <= {r["contact_id"] for r in table}:
        assert len(expected) == len(table) - 1  # two contacts, one address: one row
    assert "@" not in audience_path.read_text(encoding="utf-8")
    entry = next(e for e in manifest_of(hostile_shop.out)["files"] if e["file"] == audience_path.name)
    assert entry["rows"] == len(expected)
    # every static file carries the column, no audience file holds an address
    for name in LISTS:
        assert read_csv(hostile_shop.out / f"{name}.csv")[0][-1] == "email"
        assert "@" not in (hostile_shop.out / f"{name}.audience.csv").read_text(encoding="utf-8"), name


def test_tab_cr_and_line_break_values_are_neutralized(hostile_shop, tmp_path):
    work, out = hostile_shop.clone(tmp_path)
    con = duckdb.connect(str(work / "warehouse.duckdb"))
    try:
        for original, injected in INJECTED_IDS.items():
            con.execute("update main_marts.activation_cart_abandoners set contact_id = ? where contact_id = ?",
                        [injected, original])
        con.execute("update main_marts.activation_cart_abandoners set list_reason = ? where contact_id = ?",
                    ["-reason, with \"quotes\"\nand a line", "+1"])
        columns = {column: kind for column, kind, *_ in con.execute(
            "describe select * from main_marts.activation_cart_abandoners").fetchall()}
        numeric = next((name for name, kind in columns.items()
                        if kind.split("(")[0] in {"INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "HUGEINT"}), None)
        if numeric is not None:
            con.execute(f'update main_marts.activation_cart_abandoners set "{numeric}" = -5 where contact_id = ?',
                        ["@SUM(A1)"])
    finally:
        con.close()
    code, output = export(work, out)
    assert code == 0, output
    rows = read_csv(out / "activation_cart_abandoners.csv")
    header = rows[0]
    by_id = {row[header.index("contact_id")]: dict(zip(header, row)) for row in rows[1:]}
    for injected in INJECTED_IDS.values():
        assert expected_cell(injected) in by_id, (injected, list(by_id))
    assert "'\tTAB" in by_id and "'\rCR" in by_id and 'line\nbreak, "quoted"' in by_id
    assert by_id["'+1"]["list_reason"] == "'-reason, with \"quotes\"\nand a line"
    if numeric is not None:
        assert by_id["'@SUM(A1)"][numeric] == "-5"  # a number column: written as the number, not prefixed
    assert_no_formula_cell([[cell for name, cell in zip(header, row) if name != numeric] for row in rows])
    entry = next(e for e in manifest_of(out)["files"] if e["file"] == "activation_cart_abandoners.csv")
    assert entry["rows"] == len(rows) - 1
    assert entry["sha256"] == hashlib.sha256((out / "activation_cart_abandoners.csv").read_bytes()).hexdigest()
