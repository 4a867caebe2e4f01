"""One build of the bundled sample shared by the tests that read it.

scripts/test.sh builds the sample once (dbt build, all data and unit tests)
and passes its DuckDB file in SAMPLE_DUCKDB_PATH; run alone, the fixture
builds it into a temp folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from dbt_harness import Build, run_dbt


def sample_database(tmp_root: Path) -> Path:
    given = os.environ.get("SAMPLE_DUCKDB_PATH")
    if given and Path(given).exists():
        return Path(given)
    database = tmp_root / "sample.duckdb"
    build = run_dbt(["build"], database)
    assert build.ok, build.failures()
    return database


def reader(database: Path) -> Build:
    return Build(result=None, database=database)  # type: ignore[arg-type]
