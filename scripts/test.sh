#!/usr/bin/env bash
# Install (first run) and run every test: sqlfluff lint, `dbt build` (data and
# unit tests) on the bundled sample, and the pytest suites (end-to-end
# scenarios, generator). Uses its own throw-away database, never yours.
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

echo "== pytest"
# Tests that read the sample reuse the database just built (tests/python/sample_build.py).
export SAMPLE_DUCKDB_PATH="$DBT_DUCKDB_PATH"
set +e
python -m pytest tests/python -q -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here" >&2
    exit 1
fi
exit "$status"
