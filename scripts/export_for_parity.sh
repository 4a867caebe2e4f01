#!/usr/bin/env bash
# Export the tables the parity test compares from the current dbt target, as
# JSON through `dbt show` (the same command on every engine).
#   scripts/export_for_parity.sh OUT_DIR [extra dbt args, e.g. --target postgres]
# Run with the engine's virtualenv active, after its `dbt build`.
set -euo pipefail
out="$1"; shift
mkdir -p "$out"
for model in fct_contact_behavior segment_membership; do
    dbt show --inline "select * from {{ ref('$model') }}" --limit -1 --output json --quiet "$@" \
        > "$out/$model.json"
    echo "   exported $model to $out/$model.json"
done
