"""Write the activation lists to files, only after a build that verified them.

Run it after ``dbt build``, from the project folder, with the same target
folder and DuckDB file the build used::

    dbt build && python -m segkit.export --to /path/to/folder
    # or, with the project's virtualenv:
    scripts/build.sh && scripts/export.sh /path/to/folder

Every model marked ``meta: {export_csv: true}``
(models/marts/activation/_activation__models.yml: the four activation lists)
is written in two forms, plus one manifest for the whole export:

``<folder>/<list>.csv``, the static list
    For a marketing tool's static-list import (HubSpot, Braze, ...), keyed by
    the CRM ``contact_id``: a header row, one row per contact, sorted by
    contact_id, every column of the list table in its order. A table's own
    ``email`` column (older builds had one, always null without the var) is
    never written. The raw address is added as a last column ``email`` only
    when the build's var ``activation_include_email`` is true: read from that
    build's ``target/run_results.json`` (``args.vars``, a mapping or the
    ``--vars`` text; absent = false; anything but true/false blocks the
    export), and joined on contact_id from the relation of the model
    ``stg_raw__contacts`` (its relation_name in ``manifest.json``). The
    address goes into this file only, never into a warehouse table. (The var
    is seen only when the build set it with ``--vars``: a changed default in
    dbt_project.yml does not add the address.)
``<folder>/<list>.audience.csv``, the hashed audience
    For ad-platform customer-list matching (Google Ads Customer Match, Meta
    custom audiences): one column, header ``Email`` (the header Customer
    Match requires for email, hashed or not; Meta's customer-list upload
    maps it to its ``email`` identifier), one row per distinct address: the
    hex SHA-256 of the trimmed, lower-cased address (the lists'
    ``email_sha256``), sorted. Never a raw address, with or without the var.
``<folder>/activation_manifest.json``
    ``dbt_invocation_id`` and ``generated_at`` of the build,
    ``activation_include_email``, and per file: ``list``, ``file``, ``form``
    (``static_list`` / ``hashed_audience``), ``rows`` (data rows, without the
    header), ``as_of_date`` and ``rule_version`` (the list table's columns:
    one value, a sorted array if rows disagree; rule_version is null when the
    list is empty or the table has no such column, as_of_date of an empty
    list is the build's, from contactability) and ``sha256`` of the file's
    bytes.

CSV injection (OWASP): in the files every cell is quoted (a quote inside is
doubled, so commas, quotes and line breaks in a value round-trip; the
audience file, hex digits only, is written without quotes), UTF-8 with CRLF
line ends. A cell of a text column (every column that is not a number type:
varchar, and dates or timestamps, which never start so) whose text starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
single quote ``'``, so a spreadsheet shows it as text instead of running a
formula. Number columns (integer, decimal, floating point) are written as
numbers: ``-5`` stays ``-5`` (a spreadsheet reads it as the number, which
runs nothing). A marketing tool that imports the raw file keeps the quote in
the value: a contact id or address that starts with one of those characters
arrives as ``'<value>``. The rows are streamed from DuckDB in batches of
10,000, so memory does not grow with a list.

The files are written only when the last dbt command (``target/run_results.json``
with its ``target/manifest.json``) was a ``dbt build`` in which

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
(exit code 1). Each file, the manifest too, is first written under a hidden
temporary name in the same folder (``.<file>.tmp-<invocation id>-<pid>``)
and then renamed over the old file, so a reader never sees a half-written
file; if any file cannot be written, none is replaced and the temporary
files are removed. The manifest is renamed last, after every file: a
reader that checks each file's sha256 against it can tell whether an export
was interrupted between the renames (the machine stopped mid-way).

DuckDB only: on PostgreSQL or Spark read the lists' tables with that
engine's own tools.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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
#: The build var that adds the raw email to the static-list files (never to a table).
EMAIL_VAR = "activation_include_email"
#: The model the raw address is read from (joined on contact_id), only with EMAIL_VAR.
EMAIL_MODEL = "stg_raw__contacts"
#: The two files of every list, and the manifest written with them.
STATIC_FORM = "static_list"
AUDIENCE_FORM = "hashed_audience"
AUDIENCE_SUFFIX = ".audience.csv"
#: The header Google Ads Customer Match requires for an email column (plain or SHA-256 hashed);
#: Meta's customer-list upload maps it to its email identifier.
AUDIENCE_HEADER = "Email"
MANIFEST_FILE = "activation_manifest.json"
#: A text cell starting with one of these is read as a formula by spreadsheets (OWASP CSV Injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Column types written as plain numbers (a negative number is not neutralized).
NUMERIC_TYPES = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    "UHUGEINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL", "NUMERIC", "INT", "INT1", "INT2", "INT4", "INT8",
}
BATCH_ROWS = 10_000


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


def include_email_var(run_results: dict) -> bool:
    """The build's var activation_include_email (target/run_results.json, args.vars); absent = false.

    args.vars is a dict, or the --vars text (YAML or JSON) as given. Read as
    dbt reads --vars (YAML), so the value is exactly what the build saw.
    """
    raw = (run_results.get("args") or {}).get("vars")
    if raw is None or raw == "":
        return False
    if isinstance(raw, str):
        import yaml

        try:
            raw = yaml.safe_load(raw)
        except yaml.YAMLError as error:
            raise ExportBlocked(f"the build's --vars in run_results.json cannot be read ({first_line(error)}), "
                                f"so the var {EMAIL_VAR} is unknown; run `dbt build` again") from None
        if raw is None:
            return False
    if not isinstance(raw, dict):
        raise ExportBlocked(f"the build's --vars in run_results.json is not a mapping ({raw!r}), so the var "
                            f"{EMAIL_VAR} is unknown; run `dbt build` again")
    value = raw.get(EMAIL_VAR, False)
    if value is True or value is False:
        return value
    raise ExportBlocked(f"the build's var {EMAIL_VAR} is {value!r}: it must be true or false "
                        "(true writes the raw email into the static-list files only)")


def model_relation(manifest: dict, name: str) -> str:
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("name") == name and node.get("relation_name"):
            return node["relation_name"]
    raise ExportBlocked(f"the build's manifest has no model {name}")


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def neutralize(value: str | None) -> str | None:
    """A text cell a spreadsheet would read as a formula gets a leading single quote (OWASP CSV Injection)."""
    if value and value[0] in FORMULA_START:
        return "'" + value
    return value


def is_numeric_type(data_type: str) -> bool:
    base = data_type.upper().split("(")[0].strip()
    return base in NUMERIC_TYPES


def write_csv(cursor, header: list[str], text_cells: list[bool], path: Path, quoting: int = csv.QUOTE_ALL) -> int:
    """Stream the cursor's rows (every cell already text or null) into a CSV file; the row count.

    Every cell is quoted (QUOTE_ALL: a quote inside is doubled, so commas,
    quotes and line breaks in a value round-trip; the hashed audience, whose
    cells are the header and hex digits, uses QUOTE_MINIMAL: no quotes); a
    cell of a text column (text_cells) that starts a formula is prefixed
    with a single quote. UTF-8, RFC 4180 line ends (CRLF).
    Rows are fetched BATCH_ROWS at a time, so memory does not grow with the list.
    """
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=quoting, lineterminator="\r\n")
        writer.writerow([neutralize(name) for name in header])
        while True:
            batch = cursor.fetchmany(BATCH_ROWS)
            if not batch:
                break
            writer.writerows(
                [neutralize(cell) if text else cell for cell, text in zip(row, text_cells)] for row in batch)
            rows += len(batch)
        handle.flush()
        os.fsync(handle.fileno())
    return rows


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def single_value(con, relation: str, column: str, columns: dict[str, str]):
    """The one value of a list-wide column (as_of_date, rule_version): null when the column is
    missing or the list is empty, a sorted list when the rows disagree."""
    if column not in columns:
        return None
    values = sorted(str(value) for (value,) in con.execute(
        f"select distinct cast({quote_identifier(column)} as varchar) from {relation} "
        f"where {quote_identifier(column)} is not null").fetchall())
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def population_as_of_date(con, manifest: dict):
    """The build's as-of date, from the population every list joins (null when it cannot be read)."""
    import duckdb

    try:
        relation = model_relation(manifest, POPULATION_MODEL)
        columns = {name: kind for name, kind, *_ in con.execute(f"describe select * from {relation}").fetchall()}
        return single_value(con, relation, "as_of_date", columns)
    except (ExportBlocked, duckdb.Error):
        return None


def write_one_list(con, node: dict, folder: Path, suffix: str, email_relation: str | None,
                   build_as_of_date) -> list[dict]:
    """Both files of one list under temporary names; their manifest entries (with temp and target paths)."""
    relation = node["relation_name"]
    columns = {name: data_type for name, data_type, *_ in con.execute(f"describe select * from {relation}").fetchall()}
    for required in ("contact_id", "email_sha256"):
        if required not in columns:
            raise ExportBlocked(f"could not write {node['name']}: its table has no column {required}; "
                                "no file was replaced")
    # the table's own email column (if a build still has one) never leaves: the
    # address comes from the contacts' staging model, and only with the var
    kept = [name for name in columns if name != "email"]
    select = [f"cast(export_list.{quote_identifier(name)} as varchar)" for name in kept]
    header = list(kept)
    text_cells = [not is_numeric_type(columns[name]) for name in kept]
    join = ""
    if email_relation is not None:
        select.append("cast(contacts.email as varchar)")
        header.append("email")
        text_cells.append(True)
        join = f" left join {email_relation} as contacts on export_list.contact_id = contacts.contact_id"
    # an empty list still belongs to the build's as-of date (the population's: one date everywhere)
    as_of_date = single_value(con, relation, "as_of_date", columns) or build_as_of_date
    rule_version = single_value(con, relation, "rule_version", columns)
    entries = []
    forms = [
        (STATIC_FORM, f"{node['name']}.csv", header, text_cells, csv.QUOTE_ALL,
         f"select {', '.join(select)} from {relation} as export_list{join} order by export_list.contact_id"),
        (AUDIENCE_FORM, f"{node['name']}{AUDIENCE_SUFFIX}", [AUDIENCE_HEADER], [True], csv.QUOTE_MINIMAL,
         f"select distinct cast(email_sha256 as varchar) as hash from {relation} "
         "where email_sha256 is not null order by hash"),
    ]
    for form, file_name, file_header, file_text, quoting, sql in forms:
        target = folder / file_name
        temp = folder / f".{file_name}.tmp-{suffix}"
        entry = {"list": node["name"], "file": file_name, "form": form, "_temp": temp, "_target": target}
        entries.append(entry)
        cursor = con.execute(sql)
        entry["rows"] = write_csv(cursor, file_header, file_text, temp, quoting)
        entry.update(as_of_date=as_of_date, rule_version=rule_version, sha256=file_sha256(temp))
    return entries


def write_lists(database: Path, lists: list[dict], folder: Path, manifest: dict, run_results: dict) -> list[dict]:
    """Write every list's files and the export manifest to temporary files, then rename each over
    its target (the manifest last); all or nothing. Returns the manifest's file entries."""
    import duckdb

    invocation_id = run_results["metadata"]["invocation_id"]
    include_email = include_email_var(run_results)
    targets = [folder / name for node in lists
               for name in (f"{node['name']}.csv", f"{node['name']}{AUDIENCE_SUFFIX}")] + [folder / MANIFEST_FILE]
    for target in targets:
        if target.exists() and not target.is_file():
            raise ExportBlocked(f"{target} exists and is not a file")
    if not database.is_file():
        raise ExportBlocked(f"DuckDB file {database} not found (pass --database, or set DBT_DUCKDB_PATH as for the build)")
    email_relation = model_relation(manifest, EMAIL_MODEL) if include_email else None
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise ExportBlocked(f"cannot open {database} read-only: {first_line(error)}") from None
    suffix = f"{invocation_id}-{os.getpid()}"
    temps: list[Path] = []
    entries: list[dict] = []
    try:
        check_database(con, database, lists, manifest, invocation_id)
        if email_relation is not None:
            try:
                con.execute(f"select contact_id, email from {email_relation} limit 0")
            except duckdb.Error as error:
                raise ExportBlocked(f"{EMAIL_VAR} is true, but {database} holds no readable {EMAIL_MODEL} "
                                    f"({first_line(error)}); no file was replaced") from None
        build_as_of_date = population_as_of_date(con, manifest)
        for node in lists:
            temps += [folder / f".{node['name']}.csv.tmp-{suffix}",
                      folder / f".{node['name']}{AUDIENCE_SUFFIX}.tmp-{suffix}"]
            try:
                entries += write_one_list(con, node, folder, suffix, email_relation, build_as_of_date)
            except duckdb.Error as error:
                raise ExportBlocked(f"could not write {node['name']} from {database} ({first_line(error)}); "
                                    "no file was replaced") from None
        metadata = run_results.get("metadata", {})
        document = {
            "dbt_invocation_id": invocation_id,
            "generated_at": metadata.get("generated_at"),
            EMAIL_VAR: include_email,
            "files": [{key: value for key, value in entry.items() if not key.startswith("_")} for entry in entries],
        }
        manifest_temp = folder / f".{MANIFEST_FILE}.tmp-{suffix}"
        temps.append(manifest_temp)
        with manifest_temp.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    for entry in entries:
        os.replace(entry["_temp"], entry["_target"])
    os.replace(manifest_temp, folder / MANIFEST_FILE)  # last: it describes the files now in place
    fsync_path(folder, directory=True)
    return entries


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m segkit.export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", required=True, type=Path, help="an existing folder for <list>.csv, <list>.audience.csv and activation_manifest.json")
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
        written = write_lists(args.database, lists, folder, manifest, run_results)
    except ExportBlocked as blocked:
        print(f"segkit export: NOT exported; the files in {folder} are unchanged. Blocked by:", file=sys.stderr)
        for line in str(blocked).splitlines():
            print(f"  - {line}", file=sys.stderr)
        return 1
    generated = run_results["metadata"].get("generated_at")
    print(f"segkit export: build {invocation_id} ({generated}) passed every test of the lists and their "
          "upstream models")
    for entry in written:
        if entry["form"] == STATIC_FORM:
            print(f"  exported {entry['list']}: {entry['rows']} rows -> {entry['_target']}")
        else:
            print(f"  exported {entry['list']} hashed audience: {entry['rows']} distinct hashed emails "
                  f"-> {entry['_target']}")
    print(f"  manifest -> {folder / MANIFEST_FILE}")
    if include_email_var(run_results):
        print(f"  {EMAIL_VAR} is true: the static-list files hold the raw email (column email)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
