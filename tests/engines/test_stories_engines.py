"""Marketer stories on PostgreSQL and Spark: the same stories and checks as
tests/python/test_marketer_stories.py (tests/python/stories.py), built on
another engine.

Run by scripts/postgres.sh (STORIES_TARGET=postgres, while its throw-away
server is up) and scripts/spark.sh (STORIES_TARGET=spark, a local session).
For each world: the raw files are written (stories.write_world), loaded with
segkit.load into a raw schema of this run (the optional suppressions too; the
erasure requests, when a story has some, are read through the var
erasure_requests_relation), built with dbt in this process
(`--vars '{raw_schema: ...}'`, models in schemas of this run), and read back
with the engine's own driver (psycopg2; the Spark session dbt opened).

PostgreSQL builds every model and data test; Spark builds the models (its
data tests run in scripts/spark.sh's sample build; they take minutes more
per world there).
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

import stories as st  # noqa: E402
from dbt_harness import PROJECT_DIR  # noqa: E402

TARGET = os.environ.get("STORIES_TARGET", "")
STORIES = st.load_stories()
WORLDS = st.load_worlds()
RUN = f"stories_{os.getpid()}_{secrets.token_hex(3)}"
SCHEMA_ENV = {"postgres": "DBT_SCHEMA", "spark": "DBT_SPARK_SCHEMA"}
BUILD = {
    "postgres": ("build", "--exclude-resource-type", "unit_test", "--exclude", "path:seeds/raw"),
    "spark": ("build", "--exclude-resource-type", "unit_test", "test", "--exclude", "path:seeds/raw"),
}


def test_target_is_set():
    assert TARGET in SCHEMA_ENV, "set STORIES_TARGET=postgres or spark (scripts/postgres.sh, scripts/spark.sh do)"


# ---------------------------------------------------------------------------
# per engine: read a relation
# ---------------------------------------------------------------------------

def _postgres_query(sql: str) -> list[dict]:
    import psycopg2
    import psycopg2.extras

    conn = psycopg2.connect(connect_timeout=10)  # libpq reads the PG* variables
    try:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(sql)
            return [dict(row) for row in cur.fetchall()]
    finally:
        conn.close()


def _spark_query(sql: str) -> list[dict]:
    from pyspark.sql import SparkSession

    # the session dbt (session mode) opened in this process
    session = SparkSession.builder.getOrCreate()
    return [row.asDict() for row in session.sql(sql).collect()]


def _relation(schema: str) -> Callable[[str, str], str]:
    if TARGET == "postgres":
        return lambda layer, table: f'"{schema}_{layer}".{table}'
    return lambda layer, table: f"{schema}_{layer}.{table}"


def _drop_postgres_schemas() -> None:
    import psycopg2

    conn = psycopg2.connect(connect_timeout=10)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("select nspname from pg_namespace where starts_with(nspname, %s)", [RUN])
            for (schema,) in cur.fetchall():
                cur.execute(f'drop schema "{schema}" cascade')
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# build a world
# ---------------------------------------------------------------------------

def _dbt(args: list[str], work: Path, schema: str, variables: dict) -> Any:
    from dbt.cli.main import dbtRunner

    name = SCHEMA_ENV[TARGET]
    saved = os.environ.get(name)
    os.environ[name] = schema
    os.environ["DO_NOT_TRACK"] = "1"
    try:
        return dbtRunner().invoke([
            *args, "--target", TARGET, "--vars", json.dumps(variables),
            "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet",
        ])
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


def _load(folder: Path, raw_schema: str, work: Path) -> None:
    from segkit import load

    os.environ.setdefault("DBT_TARGET_PATH", str(work / "target-load"))
    os.environ.setdefault("DBT_LOG_PATH", str(work / "logs-load"))
    status = load.main(["--target", TARGET, "--path", str(folder), "--schema", raw_schema])
    assert status == 0, f"segkit.load into {raw_schema} failed"


def _failures(result) -> list[str]:
    res = result.result
    if res is None or not hasattr(res, "results"):
        return [str(result.exception)]
    return [f"{r.node.name}: {r.status} {r.message}" for r in res.results if str(r.status) not in ("success", "pass")]


@pytest.fixture(scope="module")
def built_worlds(tmp_path_factory):
    if TARGET not in SCHEMA_ENV:
        pytest.fail("STORIES_TARGET is not set")
    cache: dict[str, Any] = {}

    def get(name: str):
        if name not in cache:
            world = WORLDS[name]
            members = [story for story in STORIES if story.world == name]
            work = tmp_path_factory.mktemp(f"{TARGET}_{name}")
            raw = st.write_world(members, world, work / "raw")
            schema = f"{RUN}_{name}"
            _load(raw, f"{schema}_raw", work)
            extra = {"raw_schema": f"{schema}_raw"}
            if st.world_has_erasures(members):
                # segkit.load loads the folder's erasure_requests; the build reads it through the var
                extra["erasure_requests_relation"] = f"{schema}_raw.erasure_requests"
            result = _dbt(list(BUILD[TARGET]), work, schema, world.build_vars(**extra))
            if not result.success:
                cache[name] = _failures(result)
            else:
                query = _postgres_query if TARGET == "postgres" else _spark_query
                cache[name] = st.read_world(query, _relation(schema))
        return cache[name]

    yield get
    if TARGET == "postgres":
        _drop_postgres_schemas()


@pytest.mark.parametrize("story", STORIES, ids=st.story_ids(STORIES))
def test_story(story, built_worlds):
    result = built_worlds(story.world)
    assert not isinstance(result, list), f"the {TARGET} build of world {story.world} failed:\n" + "\n".join(result)
    problems = st.check_story(story, result)
    assert not problems, f"{TARGET}: {story.file} {story.id}: {story.text}\n  " + "\n  ".join(problems)
