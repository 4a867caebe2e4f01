#!/usr/bin/env bash
# Benchmark: generate N contacts of synthetic raw data (Parquet), then time
# `dbt run` (all models) on it and report wall time and peak memory.
#   scripts/benchmark.sh [CONTACTS] [DAYS]     default 116000 contacts x 365 days (~10M events)
# Writes to a temp folder (BENCH_DIR to choose), never to your database.
source "$(dirname "$0")/_env.sh"
contacts="${1:-116000}"
days="${2:-365}"
bench="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$bench"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(python -c 'import platform; print(platform.processor() or platform.machine())')"
echo "== generate $contacts contacts x $days days into $bench/raw"
/usr/bin/time -f "generate: %e s wall, %M KB peak RSS" \
    python -m segkit generate --contacts "$contacts" --days "$days" --seed 7 --out "$bench/raw" --format parquet --quiet
du -sh "$bench/raw"
export DBT_DUCKDB_PATH="$bench/warehouse.duckdb"
rm -f "$DBT_DUCKDB_PATH"
echo "== dbt seed (reference seeds) and dbt run (all models) on the generated data"
dbt seed --vars "{raw_data_path: $bench/raw}" --target-path "$bench/target" --log-path "$bench/logs" --quiet
/usr/bin/time -f "dbt run: %e s wall, %M KB peak RSS" \
    dbt run --vars "{raw_data_path: $bench/raw}" --target-path "$bench/target" --log-path "$bench/logs" --quiet
python - "$DBT_DUCKDB_PATH" <<'PY'
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for table in ["main_staging.stg_raw__row_accounting"]:
    for row in con.sql(f"select * from {table}").fetchall():
        print("  ", row)
for table in ["main_intermediate.int_contact_daily_activity", "main_marts.fct_contact_behavior", "main_marts.segment_membership"]:
    print(f"   {table}: {con.sql(f'select count(*) from {table}').fetchone()[0]:,} rows")
PY
du -sh "$DBT_DUCKDB_PATH"
