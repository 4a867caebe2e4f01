#!/usr/bin/env bash
# Build and test the project on PostgreSQL 15, from nothing: installs
# .venv-postgres (requirements-postgres.txt) on first use, starts a throw-away
# PostgreSQL server in a private temp folder, runs the server's privacy tests
# and the loader's hostile-input tests (tests/engines/test_postgres_*.py),
# then `dbt seed` and `dbt build` (every model, data test and unit test) on the
# bundled sample in the `postgres` target, and always stops and deletes the
# server at the end, also on failure or Ctrl-C.
#   scripts/postgres.sh                                   # the sample
#   scripts/postgres.sh --vars '{as_of_date: "2026-09-30"}'   # extra args go to `dbt build`
# The server is private: it listens on a unix socket only (no TCP:
# listen_addresses=''), in a 0700 folder owned by the server's OS user, with
# unix_socket_permissions=0700, and asks for a random password
# (scram-sha-256) that only this script's processes get (PGPASSWORD). Another
# local account can neither reach the socket nor log in; a superuser session
# could otherwise run `copy ... from program` as the server user.
# Needs PostgreSQL's initdb/pg_ctl (the PATH, or /usr/lib/postgresql/*/bin).
# Run as root it runs the server as the `postgres` OS user (initdb refuses
# root); root (dbt, the tests) still reaches the socket, as root bypasses file
# permissions.
# To build against your own server instead, set PGHOST/PGPORT/PGUSER/PGPASSWORD/
# PGDATABASE and run `dbt build --target postgres` from .venv-postgres.
ENV_REQUIREMENTS=requirements-postgres.txt
ENV_VENV_NAME=.venv-postgres
source "$(dirname "$0")/_env.sh"

start_time=$SECONDS
target_path="${DBT_TARGET_PATH:-target/postgres}"
log_path="${DBT_LOG_PATH:-logs/postgres}"

# --- find the PostgreSQL server binaries -------------------------------------
pg_bin=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    pg_bin="$(dirname "$(command -v initdb)")"
else
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pg_bin="$dir"; fi
    done
fi
if [ -z "$pg_bin" ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found; on Debian: apt-get install postgresql-15" >&2
    exit 1
fi

# --- a throw-away, private server ---------------------------------------------
# mktemp -d makes the folder 0700; it holds the data directory, the logs and
# the socket, and belongs to the server's OS user.
work="$(mktemp -d "${TMPDIR:-/tmp}/segmentation-pg.XXXXXX")"
chmod 0700 "$work"
as_server_user=()
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$work"
    as_server_user=(runuser -u postgres --)
fi
server_started=0
cleanup() {
    status=$?
    if [ "$server_started" = 1 ]; then
        "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No TCP listener: the port only names the socket file (.s.PGSQL.<port>);
# a free one keeps it from clashing with a server someone runs on 127.0.0.1.
port="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
pwfile="$work/pwfile"
(umask 077 && printf '%s\n' "$password" >"$pwfile")
[ "$(id -u)" != 0 ] || chown postgres: "$pwfile"
echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') in $work (unix socket only, scram-sha-256)"
# C collation: text sorts by bytes, as on DuckDB and Spark (dedupe tie-breaks order by text).
"${as_server_user[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres -A scram-sha-256 --pwfile="$pwfile" \
    -E UTF8 --locale=C --no-sync --no-instructions >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
rm -f "$pwfile"
# Appended to the server's own file (root keeps its owner); later lines win.
cat >>"$work/data/postgresql.conf" <<EOF

# scripts/postgres.sh: a private throw-away server
listen_addresses = ''
port = $port
unix_socket_directories = '$work'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
TimeZone = 'UTC'
EOF
server_started=1
"${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w start >/dev/null \
    || { cat "$work/server.log" >&2; exit 1; }

# libpq takes a folder as the host: the socket's folder.
export PGHOST="$work" PGPORT="$port" PGUSER=postgres PGPASSWORD="$password" PGDATABASE=postgres
export PG_BIN="$pg_bin"
export DBT_SCHEMA="${DBT_SCHEMA:-analytics}"

echo "== pytest (postgres): the server is private; the loader names file and line, never a row"
python -m pytest tests/engines/test_postgres_private.py tests/engines/test_postgres_loader.py tests/engines/test_postgres_hostile.py -q -p no:cacheprovider
echo "== pytest (postgres): the marketer stories (tests/stories/)"
STORIES_TARGET=postgres python -m pytest tests/engines/test_stories_engines.py -q -p no:cacheprovider

echo "== dbt seed (postgres)"
dbt seed --target postgres --target-path "$target_path" --log-path "$log_path"
echo "== dbt build (postgres): every seed, model, data test and unit test"
dbt build --target postgres --target-path "$target_path" --log-path "$log_path" "$@"
if [ -n "${PARITY_DIR:-}" ]; then
    echo "== export for the parity test (postgres)"
    bash scripts/export_for_parity.sh "$PARITY_DIR/postgres" --target postgres --target-path "$target_path" --log-path "$log_path"
fi
echo "== postgres: passed in $((SECONDS - start_time)) s"
