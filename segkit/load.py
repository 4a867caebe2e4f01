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
``.parquet``, and optionally ``suppressions`` (the global suppression list)
and ``erasure_requests``. Every table gets exactly the raw-data contract
columns, as text: a missing column is null, extra columns are dropped, a
missing contacts/events/orders/suppressions file is an empty table (so a
suppression list loaded before into the same schema never outlives the
folder it came from).

It refuses, with one short message naming the folder, file, line and column
(never a row's content; status 1), and loads nothing: a folder that does not
exist or holds none of contacts/events/orders; two forms of one table
(``contacts.csv`` and ``contacts.parquet``); a link to nothing; a folder,
compressed or other file named like a table (``events.csv.gz``,
``events.json``); a header naming a column twice or none of the table's
columns; an erasure list without ``contact_id``; a suppression list with
neither ``email`` nor ``email_sha256``. On PostgreSQL every record is
checked before COPY (field count against the header, UTF-8, NUL bytes, quotes
as COPY reads them, a lone ``\\.`` line that would end COPY early), COPY's own
errors are reported by line without the row it quotes, and the row count
PostgreSQL read must equal the file's, all in one transaction.
The default schema is ``<target schema>_raw_input``, deliberately not
``<target schema>_raw``, where ``dbt build`` loads the bundled sample.

Run it from the project folder, in the engine's virtualenv (it needs only
what that virtualenv has: psycopg2 for PostgreSQL, dbt-spark for Spark).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from segkit.raw_files import (OPTIONAL_TABLES, RAW_COLUMNS, REQUIRED_ANY, RawFileError, TableSpec, _field, discover,
                              validate_csv)

PROJECT_DIR = Path(__file__).resolve().parent.parent

#: The raw-data contract (models/staging/raw/_raw__sources.yml, read by
#: segkit.raw_files) and the optional erasure list (macros/privacy/erasure.sql).
TABLES: dict[str, list[str]] = {**RAW_COLUMNS, "erasure_requests": ["contact_id", "requested_at"]}
#: Loaded only when the folder holds them (the build reads them through a var).
OPTIONAL = {"erasure_requests"}


#: The raw folder's tables, as segkit.raw_files checks them. The optional raw
#: tables (suppressions) may be missing from the folder; they are then loaded
#: as empty tables.
SPECS = {
    table: TableSpec(columns=columns, required=["contact_id"] if table in OPTIONAL else [],
                     optional=table in OPTIONAL or table in OPTIONAL_TABLES,
                     required_any=REQUIRED_ANY.get(table, []))
    for table, columns in TABLES.items()
}

#: A folder, file or row the loader refuses; the message names the file (and
#: line), never a row's content. main() prints it and exits with status 1.
LoadError = RawFileError


def find_files(folder: Path) -> dict[str, str | None]:
    """Table name -> absolute file path, or None when absent (erasure_requests:
    only listed when present), by the folder rules of segkit.raw_files, plus
    what the loader cannot do: a compressed file (DuckDB reads .csv.gz in
    place; unpack it for the loader)."""
    found = discover(folder, SPECS)
    files: dict[str, str | None] = {}
    for table, table_files in found.items():
        for file in table_files:
            if file.compression is not None:
                raise LoadError(f"{file.path}: not a form the loader reads (it loads {table}.csv or "
                                f"{table}.parquet uncompressed; DuckDB reads .csv.gz in place): unpack it")
        if len(table_files) > 1:
            raise LoadError(f"two forms of table {table}: " + " and ".join(f.path for f in table_files)
                            + "; the loader loads one: keep one")
        if table_files or table not in OPTIONAL:
            files[table] = str(Path(table_files[0].path).resolve()) if table_files else None
    return files


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _describe_copy_error(name: str, header: list[str], copy_columns: list[str], table: str, error) -> str:
    """A COPY error as "<file> line N[, column c]: <reason>", without the row
    that PostgreSQL quotes in the error's context (and without any value after
    a colon in its message)."""
    diag = getattr(error, "diag", None)
    context = (getattr(diag, "context", None) or "") if diag is not None else ""
    primary = (getattr(diag, "message_primary", None) or "") if diag is not None else ""
    reason = primary.split(":", 1)[0].strip() or type(error).__name__
    where = ""
    line = re.search(r"\bline (\d+)", context)
    if line:
        where += f" line {line.group(1)}"
    column = re.search(r", column ([^:,]+):", context)
    if column and column.group(1) in copy_columns:
        where += ", " + _field(header, TABLES[table], copy_columns.index(column.group(1)))
    return f"{name}{where}: {reason} (PostgreSQL COPY; the line is a record number, counting the header as 1)"


def load_postgres(files: dict[str, str | None], schema: str) -> None:
    """COPY each CSV file into <schema>.<table> (all columns text), after
    checking every record in Python; one transaction, so a failure loads
    nothing and keeps the tables that were there."""
    for table, path in files.items():
        if path is not None and path.endswith(".parquet"):
            raise LoadError(f"{path}: PostgreSQL loads CSV files only (write the table as .csv)")
    checked: dict[str, tuple[list[str], int]] = {}
    for table, path in files.items():
        if path is not None:
            # the header was checked by find_files; now every record, as COPY will read it
            checked[table] = validate_csv(Path(path), TABLES[table], for_copy=True)

    import psycopg2  # in .venv-postgres (dbt-postgres)

    try:
        conn = psycopg2.connect(
            host=os.environ.get("PGHOST", "localhost"),
            port=int(os.environ.get("PGPORT", "5432")),
            user=os.environ.get("PGUSER", "postgres"),
            password=os.environ.get("PGPASSWORD", ""),
            dbname=os.environ.get("PGDATABASE", "postgres"),
        )
    except psycopg2.Error as error:
        raise LoadError("cannot connect to PostgreSQL: " + " ".join(str(error).split())) from None
    loaded: list[str] = []
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"create schema if not exists {_quote(schema)}")
            for table, path in files.items():
                relation = f"{_quote(schema)}.{_quote(table)}"
                header, records = checked.get(table, ([], 0))
                # COPY fills every field of the file: a contract column by its
                # name, any other into a placeholder dropped right after.
                copy_columns = [c if c in TABLES[table] else f"_extra_{i + 1}" for i, c in enumerate(header)]
                extras = [c for c in copy_columns if c not in TABLES[table]]
                cur.execute(f"drop table if exists {relation}")
                cur.execute(f"create table {relation} ("
                            + ", ".join(f"{_quote(c)} text" for c in TABLES[table] + extras) + ")")
                if path is not None and header:
                    name = os.path.basename(path)
                    with open(path, encoding="utf-8-sig") as handle:
                        try:
                            cur.copy_expert(
                                f"copy {relation} (" + ", ".join(_quote(c) for c in copy_columns)
                                + ") from stdin with (format csv, header true)", handle)
                        except psycopg2.Error as error:
                            raise LoadError(_describe_copy_error(name, header, copy_columns, table, error)) from None
                    for column in extras:
                        cur.execute(f"alter table {relation} drop column {_quote(column)}")
                cur.execute(f"select count(*) from {relation}")
                rows = cur.fetchone()[0]
                if rows != records:
                    raise LoadError(f"{os.path.basename(path or table)}: PostgreSQL read {rows:,} rows, the file "
                                    f"holds {records:,}; nothing was loaded")
                loaded.append(f"loaded {schema}.{table}: {rows:,} rows"
                              + (f" from {path}" if path else " (no file: empty)"))
    except psycopg2.Error as error:
        diag = getattr(error, "diag", None)
        primary = (getattr(diag, "message_primary", None) or type(error).__name__) if diag else type(error).__name__
        raise LoadError(f"loading into {schema} failed: {primary.split(':', 1)[0]}") from None
    finally:
        conn.close()
    print("\n".join(loaded))  # only once committed


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
    try:
        files = find_files(Path(args.path))
        if args.target == "postgres":
            load_postgres(files, schema)
        else:
            load_spark(files, schema)
    except LoadError as error:
        print(f"segkit.load: {error}", file=sys.stderr)
        return 1

    variables = f"raw_schema: {schema}"
    if "erasure_requests" in files:
        variables += f", erasure_requests_relation: {schema}.erasure_requests"
    print("now build on it (the bundled sample seeds are not needed):")
    print(f"  dbt build --target {args.target} --vars '{{{variables}}}' --exclude path:seeds/raw")
    return 0


if __name__ == "__main__":
    sys.exit(main())
