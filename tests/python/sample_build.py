"""One build of the bundled sample shared by the tests that read it.

scripts/test.sh builds the sample once (dbt build, all data and unit tests)
and passes its DuckDB file in SAMPLE_DUCKDB_PATH; run alone, the fixture
builds it into a temp folder. Under pytest-xdist (scripts/test.sh runs two
workers) each worker reads its own copy of the file: DuckDB lets one process
at a time open a file for writing, and the readers connect read-write.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from dbt_harness import Build, run_dbt


def sample_database(tmp_root: Path) -> Path:
    given = os.environ.get("SAMPLE_DUCKDB_PATH")
    if given and Path(given).exists():
        if os.environ.get("PYTEST_XDIST_WORKER"):
            copy = tmp_root / "sample.duckdb"
            shutil.copyfile(given, copy)
            return copy
        return Path(given)
    database = tmp_root / "sample.duckdb"
    build = run_dbt(["build"], database)
    assert build.ok, build.failures()
    return database


def reader(database: Path) -> Build:
    return Build(result=None, database=database)  # type: ignore[arg-type]
