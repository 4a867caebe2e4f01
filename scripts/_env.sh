# Shared by the scripts: a project-local virtualenv with pinned requirements,
# created on first use and reused after (reinstalled when the file changes).
#   default (scripts/build.sh, scripts/test.sh): .venv with requirements.txt
#   scripts/postgres.sh: ENV_REQUIREMENTS=requirements-postgres.txt ENV_VENV_NAME=.venv-postgres
#   scripts/spark.sh:    ENV_REQUIREMENTS=requirements-spark.txt    ENV_VENV_NAME=.venv-spark
# VENV (a full path) still overrides the folder.
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PROJECT_DIR"
export DO_NOT_TRACK=1
# the dbt-duckdb plugin segkit.duckdb_plugin is imported from the project folder (profiles.yml)
export SEGKIT_PATH="$PROJECT_DIR"
REQUIREMENTS="${ENV_REQUIREMENTS:-requirements.txt}"
VENV="${VENV:-$PROJECT_DIR/${ENV_VENV_NAME:-.venv}}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "== installing $REQUIREMENTS into $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
