"""Load a folder of raw files into a raw schema on PostgreSQL or Spark.

DuckDB reads a folder in place (``--vars '{raw_data_path: DIR}'``); the other
engines read the raw tables from a schema. This command fills one::

    # PostgreSQL (connection from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
    # as in profiles.yml); CSV files only
    .venv-postgres/bin/python -m segkit.load --target postgres --path /data/export
    # Spark (the `spark` target of profiles.yml, same warehouse and metastore
    # env vars); CSV or Parquet files
    .venv-spark/bin/python -m segkit.load --target spark --path /data/export

and prints the ``dbt build`` command that reads it. The folder holds
``contacts``, ``events`` and ``orders`` as ``.csv`` (header row) or
``.parquet``, and optionally ``erasure_requests``. Every table gets exactly
the raw-data contract columns, as text: a missing column is null, extra
columns are dropped, a missing contacts/events/orders file is an empty table.
The default schema is ``<target schema>_raw_input``, deliberately not
``<target schema>_raw``, where ``dbt build`` loads the bundled sample.

Run it from the project folder, in the engine's virtualenv (it needs only
what that virtualenv has: psycopg2 for PostgreSQL, dbt-spark for Spark).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

#: The raw-data contract (macros/staging/raw_input.sql, raw_columns) and the
#: optional erasure list (macros/privacy/erasure.sql).
TABLES: dict[str, list[str]] = {
    "contacts": ["contact_id", "email", "created_at", "email_opt_in"],
    "events": ["event_id", "contact_id", "anonymous_id", "event_type", "occurred_at", "channel", "properties"],
    "orders": ["order_id", "contact_id", "ordered_at", "order_total", "discount_total", "currency", "status",
               "shipping_method", "product_tier"],
    "erasure_requests": ["contact_id", "requested_at"],
}
OPTIONAL = {"erasure_requests"}


def find_files(folder: Path) -> dict[str, str | None]:
    """Table name -> absolute file path (Parquet preferred), or None when absent."""
    if not folder.is_dir():
        raise SystemExit(f"not a folder: {folder}")
    found: dict[str, str | None] = {}
    for table in TABLES:
        path = None
        for ext in (".parquet", ".csv"):
            candidate = folder / f"{table}{ext}"
            if candidate.is_file():
                path = str(candidate.resolve())
                break
        if path is not None or table not in OPTIONAL:
            found[table] = path
    return found


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def load_postgres(files: dict[str, str | None], schema: str) -> None:
    """COPY each CSV file into <schema>.<table> (all columns text)."""
    import psycopg2  # in .venv-postgres (dbt-postgres)

    conn = psycopg2.connect(
        host=os.environ.get("PGHOST", "localhost"),
        port=int(os.environ.get("PGPORT", "5432")),
        user=os.environ.get("PGUSER", "postgres"),
        password=os.environ.get("PGPASSWORD", ""),
        dbname=os.environ.get("PGDATABASE", "postgres"),
    )
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"create schema if not exists {_quote(schema)}")
            for table, path in files.items():
                if path is not None and path.endswith(".parquet"):
                    raise SystemExit(f"{path}: PostgreSQL loads CSV files only (write the table as .csv)")
                relation = f"{_quote(schema)}.{_quote(table)}"
                header: list[str] = []
                if path is not None:
                    with open(path, newline="", encoding="utf-8-sig") as handle:
                        header = [name.strip().lower() for name in next(csv.reader(handle), [])]
                columns = header + [c for c in TABLES[table] if c not in header]
                cur.execute(f"drop table if exists {relation}")
                cur.execute(f"create table {relation} ("
                            + ", ".join(f"{_quote(c)} text" for c in columns) + ")")
                if path is not None and header:
                    with open(path, encoding="utf-8-sig") as handle:
                        cur.copy_expert(
                            f"copy {relation} (" + ", ".join(_quote(c) for c in header)
                            + ") from stdin with (format csv, header true)", handle)
                cur.execute(f"select count(*) from {relation}")
                rows = cur.fetchone()[0]
                print(f"loaded {schema}.{table}: {rows:,} rows" + (f" from {path}" if path else " (no file: empty)"))
    finally:
        conn.close()


def load_spark(files: dict[str, str | None], schema: str) -> None:
    """Run the project's load_raw_files macro in the dbt `spark` target."""
    from dbt.cli.main import dbtRunner  # in .venv-spark

    args = json.dumps({"schema": schema, "files": files})
    result = dbtRunner().invoke([
        "run-operation", "load_raw_files", "--args", args, "--target", "spark",
        "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", os.environ.get("DBT_TARGET_PATH", "target/spark"),
        "--log-path", os.environ.get("DBT_LOG_PATH", "logs/spark"),
    ])
    if not result.success:
        raise SystemExit(f"loading into {schema} failed: {result.exception or 'see the dbt log'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segkit.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True, choices=["postgres", "spark"])
    parser.add_argument("--path", required=True, help="folder with contacts/events/orders (.csv or .parquet)")
    parser.add_argument("--schema", default=None,
                        help="schema to load into (default <target schema>_raw_input)")
    args = parser.parse_args(argv)

    base = (os.environ.get("DBT_SCHEMA", "analytics") if args.target == "postgres"
            else os.environ.get("DBT_SPARK_SCHEMA", "analytics"))
    schema = args.schema or f"{base}_raw_input"
    files = find_files(Path(args.path))
    if args.target == "postgres":
        load_postgres(files, schema)
    else:
        load_spark(files, schema)

    variables = f"raw_schema: {schema}"
    if "erasure_requests" in files:
        variables += f", erasure_requests_relation: {schema}.erasure_requests"
    print("now build on it (the bundled sample seeds are not needed):")
    print(f"  dbt build --target {args.target} --vars '{{{variables}}}' --exclude path:seeds/raw")
    return 0


if __name__ == "__main__":
    sys.exit(main())
