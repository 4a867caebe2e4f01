#!/usr/bin/env bash
# Install (first run) and build everything on the embedded DuckDB default with
# the bundled sample data. Extra arguments go to `dbt build`, e.g.
#   scripts/build.sh --vars '{as_of_date: "2026-09-30"}'
source "$(dirname "$0")/_env.sh"
dbt build "$@"
echo "== built: DuckDB file ${DBT_DUCKDB_PATH:-behavioral_segmentation.duckdb}"
