#!/usr/bin/env bash
# Write the activation lists after a `dbt build` (DuckDB), only when that
# build passed every test of the lists and their upstream models; otherwise
# nothing is written and the reason is printed (exit 1). Per list:
#   DIR/<list>.csv           static list keyed by contact_id (raw email column
#                            only with the build's var activation_include_email)
#   DIR/<list>.audience.csv  hashed audience: header Email, distinct SHA-256
# and DIR/activation_manifest.json (rows, SHA-256, as_of_date, rule_version).
# Cells that would start a spreadsheet formula are prefixed with '. Files are
# replaced atomically (temporary name, then rename). See segkit/export.py.
#   scripts/build.sh && scripts/export.sh /path/to/folder
# Extra arguments go to `python -m segkit.export` (--target-path, --database).
set -euo pipefail
if [ "$#" -lt 1 ]; then
    echo "usage: scripts/export.sh DIR [--target-path PATH] [--database FILE]" >&2
    exit 2
fi
# resolve DIR against the caller's folder (_env.sh moves to the project folder)
if ! dir="$(cd "$1" 2>/dev/null && pwd)"; then
    echo "scripts/export.sh: $1 is not an existing folder" >&2
    exit 1
fi
shift
source "$(dirname "$0")/_env.sh"
exec python -m segkit.export --to "$dir" "$@"
