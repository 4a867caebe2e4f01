#!/usr/bin/env bash
# Install (first run) and run every test: sqlfluff lint; `dbt build` (every
# data and unit test) on the bundled sample on DuckDB; the pytest suites
# (end-to-end scenarios, hostile input, privacy, generator, ...); the same
# `dbt build` on PostgreSQL 15 (a throw-away server) and on Spark (local
# session); and the parity test comparing the three engines' facts and labels.
# Uses its own throw-away databases, never yours.
#   SKIP_ENGINES=1 scripts/test.sh   # DuckDB only (a quick local loop; CI never sets it)
source "$(dirname "$0")/_env.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DBT_DUCKDB_PATH="$work/lint.duckdb"

echo "== sqlfluff lint"
# (macros and generic tests are linted where they are used: in the compiled models)
sqlfluff lint models analyses tests --processes 2

echo "== dbt build on the bundled sample (all data and unit tests)"
export DBT_DUCKDB_PATH="$work/sample.duckdb"
dbt build --target-path "$work/target" --log-path "$work/logs" --no-partial-parse --warn-error
export PARITY_DIR="$work/parity"
bash scripts/export_for_parity.sh "$PARITY_DIR/duckdb" --target-path "$work/target" --log-path "$work/logs"

echo "== pytest"
# Tests that read the sample reuse the database just built (tests/python/sample_build.py).
export SAMPLE_DUCKDB_PATH="$DBT_DUCKDB_PATH"
set +e
# Two workers (pytest-xdist), one test file per worker at a time, so a file's
# module fixtures (its builds) are made once. PYTEST_WORKERS=0 runs in one process.
python -m pytest tests/python -q -p no:cacheprovider -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here" >&2
    exit 1
fi
[ "$status" -eq 0 ] || exit "$status"

if [ "${SKIP_ENGINES:-0}" = 1 ]; then
    echo "== SKIP_ENGINES=1: PostgreSQL, Spark and the parity test were not run" >&2
    exit 0
fi
echo "== PostgreSQL 15"
DBT_TARGET_PATH="$work/target-postgres" DBT_LOG_PATH="$work/logs-postgres" bash scripts/postgres.sh
echo "== Spark"
DBT_TARGET_PATH="$work/target-spark" DBT_LOG_PATH="$work/logs-spark" bash scripts/spark.sh
echo "== parity: DuckDB = PostgreSQL = Spark"
# (tests/engines/test_postgres_*.py need the throw-away server: scripts/postgres.sh ran them above)
python -m pytest tests/engines/test_parity.py -q -p no:cacheprovider
