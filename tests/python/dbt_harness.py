"""Run dbt in-process against a throw-away DuckDB file and read what it built.

Used by the end-to-end pytest suites: each scenario writes small raw files,
builds the project on them through `raw_data_path`, and asserts on tables.
"""
from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from dbt.cli.main import dbtRunner, dbtRunnerResult

PROJECT_DIR = Path(__file__).resolve().parents[2]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from segkit import raw_files as _raw_files  # noqa: E402

# The raw-data contract, read from the sources YAML (segkit/raw_files.py):
# table -> every column in order; contacts ends with the optional time_zone.
RAW_COLUMNS = _raw_files.RAW_COLUMNS


def write_raw(folder: Path, table: str, rows: Iterable[Sequence[Any] | dict], columns: Sequence[str] | None = None) -> Path:
    """Write one raw table as CSV (header row). Rows are tuples in contract order or dicts;
    a tuple may stop before the optional trailing columns (contacts.time_zone), which are
    then written empty."""
    columns = list(columns or RAW_COLUMNS[table])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            if isinstance(row, dict):
                row = [row.get(column) for column in columns]
            elif len(row) < len(columns):
                row = list(row) + [None] * (len(columns) - len(row))
            writer.writerow(["" if value is None else value for value in row])
    return path


@dataclass
class Build:
    """The outcome of one dbt invocation and the database it wrote."""

    result: dbtRunnerResult
    database: Path

    @property
    def ok(self) -> bool:
        return bool(self.result.success)

    def failures(self) -> list[str]:
        res = self.result.result
        if res is None or not hasattr(res, "results"):
            return [str(self.result.exception)]
        return [f"{r.node.name}: {r.status} {r.message}" for r in res.results if str(r.status) not in ("success", "pass")]

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict]:
        import duckdb  # here, not at the top: .venv-postgres (tests/engines) imports this module without duckdb

        con = duckdb.connect(str(self.database))
        try:
            cursor = con.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        finally:
            con.close()

    def table(self, relation: str, order_by: str = "1") -> list[dict]:
        return self.query(f"select * from {relation} order by {order_by}")

    def by_key(self, relation: str, key: str = "contact_id") -> dict[Any, dict]:
        return {row[key]: row for row in self.table(relation)}


def run_dbt(
    args: Sequence[str],
    database: Path,
    vars: dict | None = None,
    target_path: Path | None = None,
    project_dir: Path | None = None,
) -> Build:
    """Run a dbt command (e.g. ["build"]) in-process on a DuckDB file
    (project_dir: a copy of the project, default this one)."""
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["SEGKIT_PATH"] = str(PROJECT_DIR)  # the dbt-duckdb plugin (profiles.yml)
    os.environ["DBT_DUCKDB_PATH"] = str(database)
    cli = [
        *args,
        "--project-dir", str(project_dir or PROJECT_DIR),
        "--profiles-dir", str(project_dir or PROJECT_DIR),
        "--target-path", str(target_path or database.parent / "target"),
        "--log-path", str(database.parent / "logs"),
        "--no-partial-parse",
        "--quiet",
    ]
    if vars:
        cli += ["--vars", json.dumps(vars)]
    result = dbtRunner().invoke(cli)
    return Build(result=result, database=database)


def release_database() -> None:
    """Close the DuckDB file dbt-duckdb keeps open in this process between
    invocations, so another process (segkit.compact) can open it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def build_on(raw_dir: Path, work_dir: Path, vars: dict | None = None, args: Sequence[str] = ("build",)) -> Build:
    """`dbt build` on the raw files in raw_dir; database and target live in work_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    all_vars = {"raw_data_path": str(raw_dir)}
    all_vars.update(vars or {})
    return run_dbt(list(args), work_dir / "warehouse.duckdb", vars=all_vars)
