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
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw

AS_OF = "2024-03-31"
LISTS = {
    "activation_cart_abandoners": ["c_cart"],
    "activation_nurture": ["c_nurture"],
    "activation_re_engagement": ["c_reengage"],
    "activation_upsell": ["c_upsell"],
}
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def write_shop(raw: Path) -> Path:
    contacts = [(cid, f"{cid}@example.com", "2023-06-01 10:00:00", "true")
                for cid in ["c_cart", "c_nurture", "c_reengage", "c_upsell", "c_spam"]]
    events = [
        ("e1", "c_cart", None, "add_to_cart", "2024-03-30 10:00:00", "web", None),
        ("e2", "c_nurture", None, "content_download", "2024-03-20 10:00:00", "web", None),
        ("e3", "c_reengage", None, "email_open", "2023-11-01 10:00:00", "email", None),
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
    assert sorted(p.name for p in shop.out.iterdir()) == sorted(f"{name}.csv" for name in LISTS)  # no temp files
    for name, contact_ids in LISTS.items():
        with (shop.out / f"{name}.csv").open(newline="") as handle:
            rows = list(csv.reader(handle))
        table = shop.build.table(f"main_marts.{name}", order_by="contact_id")
        assert rows[0] == list(table[0].keys())
        assert [row[0] for row in rows[1:]] == contact_ids == [row["contact_id"] for row in table]
        header = rows[0]
        assert rows[1][header.index("email_sha256")] == table[0]["email_sha256"]
        assert rows[1][header.index("list_reason")] == table[0]["list_reason"]
        assert rows[1][header.index("email")] == ""  # no raw email without activation_include_email
        assert f"exported {name}: {len(contact_ids)} rows" in shop.output


def test_failed_list_test_keeps_the_last_good_files(shop, tmp_path):
    work, out = shop.clone(tmp_path)
    before = snapshot(out)
    # a regression upstream: the upsell contact's premium share is lost; the
    # list still takes the contact (coalesce) and its own tests catch it
    con_execute(work, "update main_marts.fct_contact_behavior set premium_order_share = null "
                      "where contact_id = 'c_upsell'")
    failed = shop.dbt(work, ["build", "--select", "activation_upsell"])
    assert not failed.ok
    assert any(f.startswith("not_null_activation_upsell_premium_order_share: fail") for f in failed.failures()), (
        failed.failures())
    code, output = export(work, out)
    assert code == 1, output
    assert "NOT exported" in output
    assert "test fail: not_null_activation_upsell_premium_order_share" in output, output
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
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in LISTS)


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
