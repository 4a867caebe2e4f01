#!/usr/bin/env bash
# Build and test the project on Apache Spark (dbt-spark session mode: a local
# PySpark session, no cluster), from nothing: installs .venv-spark
# (requirements-spark.txt, about 630 MB) on first use, then runs `dbt seed`
# and `dbt build` (every model, data test and unit test) on the bundled sample
# in the `spark` target. Tables (Parquet) and the embedded Derby metastore go
# to a temp folder that is deleted at the end, also on failure; nothing lands
# in the repository.
#   scripts/spark.sh
#   scripts/spark.sh --vars '{as_of_date: "2026-09-30"}'   # extra args go to `dbt build`
# Needs Java 17 (`java` on the PATH or JAVA_HOME).
# KEEP_SPARK_DIR=1 keeps the warehouse folder (its path is printed).
ENV_REQUIREMENTS=requirements-spark.txt
ENV_VENV_NAME=.venv-spark
source "$(dirname "$0")/_env.sh"

start_time=$SECONDS
target_path="${DBT_TARGET_PATH:-target/spark}"
log_path="${DBT_LOG_PATH:-logs/spark}"

if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    echo "Java not found (Spark needs Java 17); on Debian: apt-get install openjdk-17-jre-headless" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/segmentation-spark.XXXXXX")"
cleanup() {
    status=$?
    if [ "${KEEP_SPARK_DIR:-0}" = 1 ]; then
        echo "== kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Read by profiles.yml (target spark): warehouse, Derby metastore (and its
# derby.log) all under the temp folder; Spark's scratch files too.
export SPARK_WAREHOUSE_DIR="$work/warehouse"
export SPARK_METASTORE_DIR="$work/metastore"
export SPARK_LOCAL_DIRS="$work/scratch"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export DBT_SPARK_SCHEMA="${DBT_SPARK_SCHEMA:-analytics}"
mkdir -p "$SPARK_METASTORE_DIR" "$SPARK_LOCAL_DIRS"
echo "== Spark (pyspark $(python -c 'import pyspark; print(pyspark.__version__)'), session mode) in $work"

echo "== dbt seed (spark)"
dbt seed --target spark --target-path "$target_path" --log-path "$log_path"
echo "== dbt build (spark): every seed, model, data test and unit test"
dbt build --target spark --target-path "$target_path" --log-path "$log_path" "$@"
echo "== pytest (spark): the marketer stories (tests/stories/)"
STORIES_TARGET=spark python -m pytest tests/engines/test_stories_engines.py -q -p no:cacheprovider
if [ -n "${PARITY_DIR:-}" ]; then
    echo "== export for the parity test (spark)"
    bash scripts/export_for_parity.sh "$PARITY_DIR/spark" --target spark --target-path "$target_path" --log-path "$log_path"
fi
echo "== spark: passed in $((SECONDS - start_time)) s"
