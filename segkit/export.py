"""Write the activation lists to CSV files, only after a build that verified them.

Run it after ``dbt build``, from the project folder, with the same target
folder and DuckDB file the build used::

    dbt build && python -m segkit.export --to /path/to/folder
    # or, with the project's virtualenv:
    scripts/build.sh && scripts/export.sh /path/to/folder

Every model marked ``meta: {export_csv: true}``
(models/marts/activation/_activation__models.yml: the four activation lists)
is written to ``<folder>/<model>.csv`` (header row, sorted by contact_id),
but only when the last dbt command (``target/run_results.json`` with its
``target/manifest.json``) was a ``dbt build`` in which

* every list was built successfully, and
* every data test of the lists and of all their upstream models, seeds and
  sources ran and passed (a warning passes, and is shown). A test that
  failed, errored, was skipped or did not run at all (``dbt run``, a
  ``--select`` subset, ``--exclude-resource-type test``) blocks the export;
  unit tests, which check the SQL logic on fixtures and are often left out
  of production builds, block only when they ran and did not pass;
* the project's on-run-end checks passed (one as-of date everywhere);
* the build was not ``--empty`` or ``--sample``;
* the lists in the DuckDB file are the tables that build wrote: each list's
  post-hook stamps its table comment with the invocation id, so a database
  changed since (a later or killed dbt command that left the old results,
  another file) is refused;
* the contactability gate holds at least one contact (a build on an empty
  raw folder, where every test passes on no rows, is never exported).

Otherwise nothing is written, the files already in the folder stay exactly
as they were, and the command says which list or test blocked the export
(exit code 1). Each file is first written under a hidden temporary name in
the same folder (``.<model>.csv.tmp-<invocation id>-<pid>``) and then renamed
over the old file, so a reader never sees a half-written list; if any list
cannot be written, no file is replaced and the temporary files are removed.

DuckDB only: on PostgreSQL or Spark read the lists' tables with that
engine's own tools.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXPORT_META_KEY = "export_csv"
#: The model every activation list joins (one row per contact): an empty gate
#: means the build saw no contacts at all (e.g. an empty raw folder).
POPULATION_MODEL = "contactability"
PASSED = {"pass", "success"}
#: The table comment each list's post-hook writes (macros/activation/activation_list.sql, list_build_stamp).
STAMP_PREFIX = "dbt_invocation_id="


class ExportBlocked(Exception):
    """The export must not happen; the message says why."""


def load_json(path: Path, what: str) -> dict:
    try:
        with path.open() as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise ExportBlocked(f"{path} not found: run `dbt build` first (with the same --target-path) ({what})") from None
    except json.JSONDecodeError as error:
        raise ExportBlocked(f"{path} is not valid JSON ({error}); run `dbt build` again") from None


def ancestors(node_id: str, parent_map: dict[str, list[str]]) -> set[str]:
    """Every node upstream of node_id (models, seeds, snapshots, sources)."""
    seen: set[str] = set()
    stack = list(parent_map.get(node_id, []))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(parent_map.get(current, []))
    return seen


def short(unique_id: str) -> str:
    """test.project.name.hash -> name; model.project.name -> name."""
    parts = unique_id.split(".")
    if parts[0] == "test" and len(parts) >= 4:
        return ".".join(parts[2:-1])
    return ".".join(parts[2:]) if len(parts) > 2 else unique_id


def plan_export(manifest: dict, run_results: dict) -> tuple[list[dict], list[str]]:
    """The list nodes to export and notes to print, or ExportBlocked with every reason.

    Pure: reads only the two artifacts.
    """
    meta = manifest.get("metadata", {})
    invocation = run_results.get("metadata", {}).get("invocation_id")
    if meta.get("invocation_id") != invocation:
        raise ExportBlocked(
            "manifest.json and run_results.json come from different dbt commands "
            f"({meta.get('invocation_id')} vs {invocation}); run `dbt build` again")
    adapter = meta.get("adapter_type")
    if adapter != "duckdb":
        raise ExportBlocked(
            f"exporting the lists to CSV is DuckDB-only, and the last build ran on {adapter}: "
            f"read the lists' tables with {adapter}'s own tools")
    args = run_results.get("args", {})
    command = args.get("which")
    if command != "build":
        why = " (no tests ran, so no list was verified)" if command == "run" else ""
        raise ExportBlocked(f"the last dbt command was `dbt {command}`, not `dbt build`{why}; "
                            "run `dbt build`, then export")
    if args.get("empty"):
        raise ExportBlocked("the last build ran with --empty (every model without rows); run `dbt build` without it")
    if args.get("sample"):
        raise ExportBlocked(f"the last build ran with --sample {args.get('sample')!r} (a slice of the data); "
                            "run `dbt build` without it")

    nodes = manifest.get("nodes", {})
    lists = sorted(
        (node for node in nodes.values()
         if node.get("resource_type") == "model" and (node.get("config", {}).get("meta") or {}).get(EXPORT_META_KEY)),
        key=lambda node: node["name"])
    if not lists:
        raise ExportBlocked(f"no model is marked meta: {{{EXPORT_META_KEY}: true}} in the manifest")

    results = {result["unique_id"]: result for result in run_results.get("results", [])}
    parent_map = manifest.get("parent_map", {})
    checks = [node for node in nodes.values() if node.get("resource_type") == "test"]
    checks += list(manifest.get("unit_tests", {}).values())
    checks_by_id = {check["unique_id"]: check for check in checks}

    reasons: list[str] = []
    notes: dict[str, None] = {}   # ordered, without repeats
    blocking: set[str] = set()
    not_run: dict[str, list[str]] = {}
    units_not_run: set[str] = set()
    for node in lists:
        uid = node["unique_id"]
        status = results.get(uid, {}).get("status")
        if status != "success":
            reasons.append(f"list {node['name']} was not built in this run"
                           + (f" (status {status})" if status else " (not selected)"))
        lineage = {uid} | ancestors(uid, parent_map)
        for check in checks:
            if not lineage.intersection(check.get("depends_on", {}).get("nodes", [])):
                continue
            check_id = check["unique_id"]
            result = results.get(check_id)
            is_unit = check.get("resource_type") == "unit_test"
            if result is None:
                if is_unit:
                    units_not_run.add(check_id)
                else:
                    not_run.setdefault(check_id, []).append(node["name"])
                continue
            state = result.get("status")
            if state == "warn":
                notes[f"warning from test {short(check_id)} (does not block): {result.get('message')}"] = None
            elif state not in PASSED and check_id not in blocking:
                blocking.add(check_id)
                kind = "unit test" if is_unit else "test"
                message = (result.get("message") or "").strip().splitlines()
                reasons.append(f"{kind} {state}: {short(check_id)}"
                               + (f" ({message[0]})" if message else "")
                               + f" [in the lineage of {node['name']}]")
    if not_run:
        unverified = sorted({name for names in not_run.values() for name in names})
        list_ids = {node["unique_id"] for node in lists}
        own_first = sorted(not_run, key=lambda check_id: (
            not list_ids.intersection(checks_by_id[check_id].get("depends_on", {}).get("nodes", [])),
            len(short(check_id)), check_id))
        examples = ", ".join(short(check_id) for check_id in own_first[:3])
        reasons.append(f"{len(not_run)} data tests of {', '.join(unverified)} or their upstream models did not "
                       f"run in this build (e.g. {examples}): a list is exported only when every one of them "
                       "ran and passed")
    if units_not_run:
        notes[f"{len(units_not_run)} unit tests of the lists' lineage were not run (unit tests do not block "
              "when left out; the data tests all ran)"] = None
    for result in results.values():
        # on-run-end hooks are the project's own whole-build checks (e.g. one as-of date everywhere)
        if result["unique_id"].startswith("operation.") and result.get("status") not in PASSED:
            message = (result.get("message") or "").strip().splitlines()
            reasons.append(f"hook {result.get('status')}: {short(result['unique_id'])}"
                           + (f" ({message[0]})" if message else ""))
    if reasons:
        raise ExportBlocked("\n".join(reasons))
    outside = [r for r in results.values() if r.get("status") not in PASSED | {"warn"}]
    if outside:
        notes[f"{len(outside)} node(s) outside the lists' lineage did not pass (they do not block the "
                     "export): " + ", ".join(sorted(short(r["unique_id"]) for r in outside)[:5])] = None
    return lists, list(notes)


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_database(con, database: Path, lists: list[dict], manifest: dict, invocation_id: str) -> None:
    """The database holds the very tables the build checked, and at least one contact."""
    import duckdb

    for node in lists:
        found = con.execute(
            "select comment from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
            [node["database"], node["schema"], node["alias"]]).fetchall()
        if not found:
            raise ExportBlocked(f"{database} holds no table {node['relation_name']}: is it the DuckDB file the "
                                "build wrote (--database, DBT_DUCKDB_PATH)?")
        stamp = found[0][0] or ""
        if stamp != STAMP_PREFIX + invocation_id:
            written_by = stamp[len(STAMP_PREFIX):] if stamp.startswith(STAMP_PREFIX) else "unknown"
            raise ExportBlocked(
                f"{node['name']} in {database} was written by another dbt command ({written_by}) than the build "
                f"the results describe ({invocation_id}): the database changed after that build (a later or "
                "interrupted dbt command, another target folder); run `dbt build` again")
    population = next((node for node in manifest["nodes"].values()
                       if node.get("resource_type") == "model" and node.get("name") == POPULATION_MODEL), None)
    if population is not None:
        try:
            contacts = con.execute(f"select count(*) from {population['relation_name']}").fetchone()[0]
        except duckdb.Error as error:
            raise ExportBlocked(f"{database} does not hold the build's {POPULATION_MODEL} ({first_line(error)})") from None
        if contacts == 0:
            raise ExportBlocked(f"the build holds no contacts at all ({POPULATION_MODEL} is empty: an empty "
                                "or wrong raw folder?); an empty build is never exported")


def write_lists(database: Path, lists: list[dict], folder: Path, invocation_id: str, manifest: dict) -> list[tuple]:
    """Write every list to a temporary file, then rename each over its target; all or nothing."""
    import duckdb

    for node in lists:
        target = folder / f"{node['name']}.csv"
        if target.exists() and not target.is_file():
            raise ExportBlocked(f"{target} exists and is not a file")
    if not database.is_file():
        raise ExportBlocked(f"DuckDB file {database} not found (pass --database, or set DBT_DUCKDB_PATH as for the build)")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise ExportBlocked(f"cannot open {database} read-only: {first_line(error)}") from None
    temps: list[Path] = []
    written = []
    try:
        check_database(con, database, lists, manifest, invocation_id)
        for node in lists:
            target = folder / f"{node['name']}.csv"
            temp = folder / f".{target.name}.tmp-{invocation_id}-{os.getpid()}"
            temps.append(temp)
            try:
                con.execute(f"copy (select * from {node['relation_name']} order by contact_id) "
                            f"to {sql_string(str(temp))} (header, delimiter ',')")
                rows = con.execute(f"select count(*) from {node['relation_name']}").fetchone()[0]
            except duckdb.Error as error:
                raise ExportBlocked(f"could not write {node['name']} from {database} ({first_line(error)}); "
                                    "no file was replaced") from None
            fsync_path(temp)
            written.append((node["name"], rows, temp, target))
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    for _, _, temp, target in written:
        os.replace(temp, target)
    fsync_path(folder, directory=True)
    return written


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m segkit.export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", required=True, type=Path, help="an existing folder for <list>.csv")
    parser.add_argument("--target-path", type=Path, default=Path(os.environ.get("DBT_TARGET_PATH", "target")),
                        help="the build's dbt target folder (default: $DBT_TARGET_PATH or target)")
    parser.add_argument("--database", type=Path,
                        default=Path(os.environ.get("DBT_DUCKDB_PATH", "behavioral_segmentation.duckdb")),
                        help="the DuckDB file the build wrote (default: $DBT_DUCKDB_PATH or "
                             "behavioral_segmentation.duckdb, as in profiles.yml)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folder: Path = args.to
    try:
        if not folder.is_dir():
            raise ExportBlocked(f"--to {folder} is not an existing folder")
        manifest = load_json(args.target_path / "manifest.json", "the build's manifest")
        run_results = load_json(args.target_path / "run_results.json", "the build's results")
        lists, notes = plan_export(manifest, run_results)
        for note in notes:
            print(f"segkit export: {note}")
        invocation_id = run_results["metadata"]["invocation_id"]
        written = write_lists(args.database, lists, folder, invocation_id, manifest)
    except ExportBlocked as blocked:
        print(f"segkit export: NOT exported; the files in {folder} are unchanged. Blocked by:", file=sys.stderr)
        for line in str(blocked).splitlines():
            print(f"  - {line}", file=sys.stderr)
        return 1
    generated = run_results["metadata"].get("generated_at")
    print(f"segkit export: build {invocation_id} ({generated}) passed every test of the lists and their "
          "upstream models")
    for name, rows, _, target in written:
        print(f"  exported {name}: {rows} rows -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
