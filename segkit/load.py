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

It refuses, with one short message naming the folder, file, line and column
(never a row's content; status 1), and loads nothing: a folder that does not
exist or holds none of contacts/events/orders; two forms of one table
(``contacts.csv`` and ``contacts.parquet``); a link to nothing; a folder,
compressed or other file named like a table (``events.csv.gz``,
``events.json``); a header naming a column twice or none of the table's
columns; an erasure list without ``contact_id``. On PostgreSQL every record is
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
import csv
import json
import os
import re
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


class LoadError(Exception):
    """A folder, file or row the loader refuses; the message names the file (and
    line), never a row's content. main() prints it and exits with status 1."""


#: The file forms a contract table may take (PostgreSQL: CSV only).
FORMS = (".csv", ".parquet")


def _table_of(name: str) -> str | None:
    """The contract table a folder entry is named like (``events.csv.gz`` ->
    ``events``; case-insensitive, so ``Events.CSV`` is caught too), or None."""
    lowered = name.lower()
    for table in TABLES:
        if lowered == table or lowered.startswith(table + "."):
            return table
    return None


def find_files(folder: Path) -> dict[str, str | None]:
    """Table name -> absolute file path, or None when absent (erasure_requests:
    only listed when present). Raises LoadError, naming every problem: no such
    folder; none of contacts/events/orders; two forms of one table; a link to
    nothing; a folder, compressed or unsupported file named like a table."""
    if not folder.exists():
        kind = "a link to nothing" if folder.is_symlink() else "no such folder"
        raise LoadError(f"{folder}: {kind} (nothing was loaded)")
    if not folder.is_dir():
        raise LoadError(f"{folder}: not a folder")
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise LoadError(f"{folder}: cannot be listed ({error.strerror})") from None
    problems: list[str] = []
    named: dict[str, list[str]] = {table: [] for table in TABLES}
    for name in names:
        table = _table_of(name)
        if table is None:
            continue  # not a table (a README beside the data is fine)
        path = folder / name
        named[table].append(name)
        if name not in (table + ext for ext in FORMS):
            problems.append(f"{path}: not a form the loader reads (a table is {table}.csv or {table}.parquet, "
                            "uncompressed, lower-case name); rename, unpack or move it")
        elif path.is_symlink() and not path.exists():
            problems.append(f"{path}: a link to {os.readlink(path)}, which does not exist")
        elif not path.is_file():
            problems.append(f"{path}: not a regular file")
    for table, table_names in named.items():
        forms = [name for name in table_names if name in (table + ext for ext in FORMS)]
        if len(forms) > 1:
            problems.append(f"two forms of table {table}: " + " and ".join(str(folder / n) for n in forms)
                            + "; keep one")
    if problems:
        raise LoadError("\n".join(problems))
    found: dict[str, str | None] = {}
    for table in TABLES:
        path = next((folder / (table + ext) for ext in FORMS if (folder / (table + ext)).is_file()), None)
        if path is not None or table not in OPTIONAL:
            found[table] = str(path.resolve()) if path is not None else None
    if not any(found[table] for table in TABLES if table not in OPTIONAL):
        raise LoadError(f"{folder}: holds none of the raw tables ("
                        + ", ".join(t for t in TABLES if t not in OPTIONAL)
                        + " as .csv or .parquet); nothing was loaded")
    return found


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _field(header: list[str], table: str, index: int) -> str:
    """How a message names field ``index`` (0-based): by its name when that is a
    contract column, else by position only (without a header line, the "header"
    is a row, and its values must not be printed)."""
    if index < len(header) and header[index] in TABLES[table]:
        return f"column {header[index]} (field {index + 1})"
    return f"field {index + 1}"


def _normalise_header(names: list[str]) -> list[str]:
    return [name.strip().lower() for name in names]


def read_header(path: str) -> list[str]:
    """The header (line 1) of a CSV file, trimmed and lower-cased."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _normalise_header(next(csv.reader(handle, strict=True), []))
    except (UnicodeDecodeError, csv.Error):
        raise LoadError(f"{os.path.basename(path)} line 1: the header is not valid UTF-8 CSV") from None


def check_header(path: str, table: str, header: list[str]) -> None:
    """One name per column; an erasure list must have contact_id."""
    name = os.path.basename(path)
    first: dict[str, int] = {}
    for index, column in enumerate(header):
        if column and column in first:
            label = f"column {column}" if column in TABLES[table] else "a column"
            raise LoadError(f"{name} line 1: the header names {label} twice (fields {first[column] + 1} and "
                            f"{index + 1}); which one is meant cannot be guessed")
        first.setdefault(column, index)
    if table not in OPTIONAL and header and not set(header) & set(TABLES[table]):
        raise LoadError(f"{name} line 1: the header names none of the {table} columns "
                        f"({', '.join(TABLES[table])}): another table, no header line, or not comma-separated")
    if table in OPTIONAL and "contact_id" not in header:
        raise LoadError(f"{name}: has no contact_id column; an erasure list must name the contacts to erase "
                        "(without it, it would erase nobody)")


class _Lines:
    """The lines of a text file, counted, keeping the raw lines of the record
    being read (csv.reader pulls lines from it)."""

    def __init__(self, handle):
        self._handle = handle
        self.number = 0
        self.record: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.number += 1
        self.record.append(line)
        return line


#: A record whose every double quote opens, escapes ("") or closes a quoted
#: value (the text is read with newline translation: lines end in \n).
_FIELD = r'(?:"[^"]*(?:""[^"]*)*"|[^",\n]*)'
_WELL_QUOTED = re.compile(rf"{_FIELD}(?:,{_FIELD})*\n?")
#: A NUL, or a byte that is not UTF-8 (decoded as a lone surrogate).
_BAD_CHARACTER = re.compile("[\x00\udc80-\udcff]")


def _bare_quote(raw: str) -> int | None:
    """0-based index of the first field holding a double quote without being
    quoted (``a,b"c,d``). Python's csv reads that quote as a character,
    PostgreSQL's COPY as the start of a quoted value: the two would split the
    row differently, so it is refused."""
    index, at_start, quoted, i = 0, True, False, 0
    while i < len(raw):
        char = raw[i]
        if quoted:
            if char == '"':
                if i + 1 < len(raw) and raw[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif char == '"':
            if not at_start:
                return index
            quoted = True
        elif char == ",":
            index += 1
            at_start = True
            i += 1
            continue
        at_start = False
        i += 1
    return None


def validate_csv(path: str, table: str) -> tuple[list[str], int]:
    """Read a CSV file the way COPY will (UTF-8, comma, double quote, header on
    line 1) and return (header, number of records); raise LoadError for the
    first bad record, naming the file, its line and field, never its content."""
    name = os.path.basename(path)
    csv.field_size_limit(2**31 - 1)  # PostgreSQL's text holds up to 1 GB
    # The same decoding and newline handling as the handle COPY reads, but a
    # bad byte becomes a marker (a lone surrogate) found below, per field.
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines, strict=True)
        header: list[str] | None = None
        records = 0
        while True:
            start = lines.number + 1
            lines.record = []
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                reason = str(error)
                if "unexpected end of data" in reason:
                    reason = "a quoted value is never closed (it runs to the end of the file)"
                elif "expected after" in reason:
                    reason = 'a quoted value goes on after its closing quote (write "" for a quote inside it)'
                raise LoadError(f"{name} line {start}: {reason}") from None
            raw = "".join(lines.record)
            if header is None:
                header = _normalise_header(fields)
                if not any(header):
                    header = []
                columns = header
            else:
                records += 1
                if raw.rstrip("\r\n") == "\\.":
                    raise LoadError(f"{name} line {start}: a line holding only \\. would end PostgreSQL's COPY "
                                    "there and drop every row after it; quote it (\"\\.\") or remove it")
                if not header:
                    raise LoadError(f"{name} line 1: the header is empty, yet rows follow it")
                if not fields:
                    raise LoadError(f"{name} line {start}: an empty line (the header has {len(header)} fields); "
                                    "remove it")
                if len(fields) != len(header):
                    raise LoadError(f"{name} line {start}: row has {len(fields)} field"
                                    f"{'s' if len(fields) != 1 else ''}, the header has {len(header)}")
            if _BAD_CHARACTER.search(raw):
                for index, value in enumerate(fields):
                    bad = _BAD_CHARACTER.search(value)
                    if bad:
                        line = start + sum(f.count("\n") for f in fields[:index]) + value[: bad.start()].count("\n")
                        reason = "holds a NUL byte (text cannot)" if bad.group() == "\x00" else "not valid UTF-8"
                        raise LoadError(f"{name} line {line}, {_field(columns, table, index)}: {reason}")
            if '"' in raw and not _WELL_QUOTED.fullmatch(raw):
                bare = _bare_quote(raw)
                if bare is not None:
                    raise LoadError(f"{name} line {start}, {_field(columns, table, bare)}: a double quote inside "
                                    'an unquoted value; quote the whole value and write the quote as ""')
    return header or [], records


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
        where += ", " + _field(header, table, copy_columns.index(column.group(1)))
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
            header, records = validate_csv(path, table)
            if os.path.getsize(path) > 0:  # a 0-byte file is an empty table
                check_header(path, table, header)
            checked[table] = (header, records)

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
            for table, path in files.items():  # what Spark cannot check as well: the header
                if path is not None and path.endswith(".csv") and os.path.getsize(path) > 0:
                    check_header(path, table, read_header(path))
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
