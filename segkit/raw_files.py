"""The raw folder: which file holds which raw table, or why none can be read.

One definition of the folder rules, used by the DuckDB build (through the
dbt-duckdb plugin :mod:`segkit.duckdb_plugin`, which the `raw_table` macro
calls while it compiles) and by the loader for the other engines
(:mod:`segkit.load`). Every rule fails loudly with a message that names the
folder or file; no message ever holds a row's content.

Rules
  * The folder must exist, be a folder, hold no glob characters in its name,
    and hold at least one of the required tables (contacts, events, orders).
  * A table is one file named ``<table>.csv``, ``<table>.csv.gz`` (gzip,
    read as CSV) or ``<table>.parquet``. Any other file named like a table
    (``events.json``, ``events.csv.zst``, ``events.csv.bak``, ``Events.CSV``,
    a bare ``events``), a folder, or a
    link that points nowhere, is an error naming it. Files named otherwise are
    not read (a README beside the data is fine).
  * Two forms of one table (``contacts.csv`` and ``contacts.parquet``) are an
    error: which one is meant cannot be guessed. Tables marked ``all_forms``
    (the erasure requests) read every form present instead, so no request
    is missed.
  * A CSV header must be valid UTF-8 and name each column once (compared
    trimmed and lower-cased). A Parquet column must not be named twice, and
    a contract column must not have a nested type (STRUCT, LIST, MAP, ...).
  * A table's ``required`` columns (the erasure requests' ``contact_id``)
    must be present, else the file is an error: a list that cannot name a
    contact must never be read as "everyone" or "nobody".
  * A 0-byte file is an empty table; a missing optional table is no table.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: The file forms a table may take, by name suffix.
FORMATS = {".csv": ("csv", None), ".csv.gz": ("csv", "gzip"), ".parquet": ("parquet", None)}
GLOB_CHARACTERS = "*?[]{}"
NESTED_TYPE_PREFIXES = ("STRUCT", "MAP", "UNION", "LIST")
#: A header name that may be printed: a plain column name. Anything else (an
#: address, a date) means the first line is data, and data is never printed.
PRINTABLE_NAME = re.compile(r"[a-z_][a-z0-9_ ]{0,62}")


def _shown(names: list[str]) -> str:
    if all(PRINTABLE_NAME.fullmatch(name) for name in names):
        return ", ".join(names) or "none"
    return "not shown: the first line does not look like a header"


class RawFileError(ValueError):
    """A raw file or folder that cannot be read as the contract says."""


@dataclass
class TableSpec:
    columns: list[str]
    required: list[str] = field(default_factory=list)
    optional: bool = False
    all_forms: bool = False


@dataclass
class RawFile:
    table: str
    path: str
    format: str
    compression: str | None
    size: int
    columns: list[str]


def _csv_header(path: Path, compression: str | None) -> list[str]:
    opener = gzip.open if compression == "gzip" else open
    try:
        with opener(path, "rb") as raw:
            first = raw.readline(1 << 20)
    except (OSError, EOFError) as error:
        raise RawFileError(f"{path}: cannot be read ({type(error).__name__}: {error.strerror or error})") from None
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    if b"\x00" in first:
        raise RawFileError(f"{path} line 1: the header holds a NUL byte")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise RawFileError(f"{path} line 1: the header is not valid UTF-8") from None
    row = next(csv.reader(io.StringIO(text)), [])
    return [name.strip().lower() for name in row]


def _parquet_columns(path: Path) -> list[tuple[str, str]]:
    try:
        import duckdb
    except ImportError:  # the Spark loader's venv: Spark checks its own types
        return []
    con = duckdb.connect()
    try:
        described = con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as error:
        raise RawFileError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None
    finally:
        con.close()
    return [(str(name), str(data_type)) for name, data_type, *_ in described]


def _parquet_duplicate(path: Path) -> str | None:
    """A top-level column named twice in the file's own schema (DuckDB renames the second)."""
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    try:
        metadata = con.execute(
            "select name, num_children from parquet_schema(?)", [str(path)]
        ).fetchall()
    finally:
        con.close()
    # the first row is the root; its num_children top-level fields follow, each
    # followed by its own children (depth first)
    if not metadata:
        return None
    seen: set[str] = set()
    index, remaining = 1, metadata[0][1] or 0

    def skip(position: int) -> int:
        children = metadata[position][1] or 0
        position += 1
        for _ in range(children):
            position = skip(position)
        return position

    while remaining and index < len(metadata):
        name = str(metadata[index][0]).strip().lower()
        if name in seen:
            return name
        seen.add(name)
        index = skip(index)
        remaining -= 1
    return None


def _check_file(table: str, spec: TableSpec, entry: Path, fmt: str, compression: str | None) -> RawFile:
    size = entry.stat().st_size
    columns: list[str] = []
    if size > 0 and fmt == "csv":
        columns = _csv_header(entry, compression)
        seen: set[str] = set()
        for name in columns:
            if name in seen:
                shown = f"column {name!r}" if PRINTABLE_NAME.fullmatch(name) else "a column"
                raise RawFileError(f"{entry} line 1: the header names {shown} twice")
            seen.add(name)
    elif size > 0 and fmt == "parquet":
        typed = _parquet_columns(entry)
        columns = [name.strip().lower() for name, _ in typed]
        duplicate = _parquet_duplicate(entry)
        if duplicate:
            shown = f"column {duplicate!r}" if PRINTABLE_NAME.fullmatch(duplicate) else "a column"
            raise RawFileError(f"{entry}: the Parquet schema names {shown} twice")
        for name, data_type in typed:
            upper = data_type.upper()
            if name.strip().lower() in spec.columns and (
                upper.startswith(NESTED_TYPE_PREFIXES) or upper.endswith("]")
            ):
                raise RawFileError(
                    f"{entry}: column {name!r} has the nested type {data_type.split('(')[0]}; the raw contract "
                    "needs plain values (text, numbers, timestamps, booleans): flatten it before export"
                )
    for name in spec.required:
        if size == 0 or name not in columns:
            raise RawFileError(
                f"{entry}: has no {name!r} column (columns: {_shown(columns)}); "
                f"a {table} file must have one"
            )
    return RawFile(table, str(entry), fmt, compression, size, columns)


def discover(folder: str | os.PathLike, specs: dict[str, TableSpec]) -> dict[str, list[RawFile]]:
    """Table name -> the files to read for it (in name order); raises RawFileError."""
    text = str(folder)
    if any(character in text for character in GLOB_CHARACTERS):
        raise RawFileError(
            f"raw_data_path {text!r} holds a glob character ({GLOB_CHARACTERS}): name one folder; "
            "each table is one file in it"
        )
    root = Path(text)
    if not root.exists():
        raise RawFileError(f"raw_data_path {text!r} does not exist (a typo? nothing was read)")
    if not root.is_dir():
        raise RawFileError(f"raw_data_path {text!r} is not a folder")
    found: dict[str, list[RawFile]] = {table: [] for table in specs}
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as error:
        raise RawFileError(f"raw_data_path {text!r} cannot be listed ({error.strerror})") from None
    for entry in entries:
        table = entry.name.split(".", 1)[0].lower()
        if table not in specs:
            continue
        path = root / entry.name
        suffix = entry.name[len(table):]
        if entry.name[:len(table)] != table or suffix not in FORMATS:
            raise RawFileError(
                f"{path}: unsupported file for table {table} (a table is {table}.csv, {table}.csv.gz "
                f"or {table}.parquet); rename or move it"
            )
        if entry.is_symlink() and not path.exists():
            raise RawFileError(f"{path}: a link to {os.readlink(path)!r}, which does not exist")
        if not path.is_file():
            raise RawFileError(f"{path}: not a regular file")
        fmt, compression = FORMATS[suffix]
        found[table].append(_check_file(table, specs[table], path, fmt, compression))
    for table, files in found.items():
        if len(files) > 1 and not specs[table].all_forms:
            names = " and ".join(f.path for f in files)
            raise RawFileError(f"two forms of table {table}: {names}; keep one")
    required = [table for table, spec in specs.items() if not spec.optional]
    if required and not any(found[table] for table in required):
        raise RawFileError(
            f"raw_data_path {text!r} holds none of the raw tables ({', '.join(required)} as .csv, "
            ".csv.gz or .parquet): nothing to read"
        )
    return found


def discover_json(folder: str, specs_json: str) -> str:
    """discover() for SQL callers: JSON in, JSON out; an error is {"error": message}."""
    try:
        raw_specs = json.loads(specs_json)
        specs = {name: TableSpec(**spec) for name, spec in raw_specs.items()}
        found = discover(folder, specs)
    except RawFileError as error:
        return json.dumps({"error": str(error)})
    return json.dumps({"tables": {table: [asdict(f) for f in files] for table, files in found.items()}})


def _first_bad_record(path: Path, compression: str | None) -> str | None:
    """The first record Python's csv module (strict) cannot read as the header's shape, or None."""
    opener = gzip.open if compression == "gzip" else open
    state = {"lines": 0, "bad": None}

    def lines():
        with opener(path, "rb") as handle:
            for raw in handle:
                state["lines"] += 1
                if state["lines"] == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if b"\x00" in raw and state["bad"] is None:
                    state["bad"] = (state["lines"], "the line holds a NUL byte outside any value DuckDB can read")
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    state["bad"] = (state["lines"], "the row is not valid UTF-8")
                    return

    reader = csv.reader(lines(), strict=True)
    width = None
    while True:
        start = state["lines"] + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            return f"{path} line {start}: a quote the CSV dialect cannot read (comma, double quote)"
        if state["bad"] is not None:
            line, what = state["bad"]
            return f"{path} line {line}: {what}"
        if width is None:
            width = len(record)
        elif record and len(record) != width:
            more = "more" if len(record) > width else "fewer"
            return f"{path} line {start}: the row has {more} fields ({len(record)}) than the header ({width})"
    if state["bad"] is not None:
        line, what = state["bad"]
        return f"{path} line {line}: {what}"
    return None


def check_csv_rows(path: str, compression: str | None = None) -> str | None:
    """None when DuckDB reads every row of the CSV file with the project's fixed
    dialect; else a message naming the file and the first bad line, never its content."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(
            "select count(*) from read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"', "
            "escape = '\"', skip = 0, compression = ?)",
            [path, compression or "none"],
        ).fetchall()
        return None
    except duckdb.Error:
        pass  # DuckDB's own message quotes the row: find the line ourselves
    finally:
        con.close()
    found = _first_bad_record(Path(path), compression)
    return found or (f"{path}: DuckDB cannot read the file as CSV (comma, double quote, header on line 1); "
                     "the row is not shown (it may hold personal data)")


def check_csv_rows_sql(path: str, compression: str) -> str | None:
    """check_csv_rows() for SQL callers ('none' = no compression)."""
    return check_csv_rows(path, None if compression == "none" else compression)
