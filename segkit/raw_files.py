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
  * A header (CSV line 1, or the Parquet schema) must name each column once
    (compared trimmed and lower-cased) and at least one of the table's
    columns (else it is another table, has no header line, or is not
    comma-separated). A contract column must not have a nested Parquet type
    (STRUCT, LIST, MAP, ...).
  * Every CSV record must have the header's number of fields, be UTF-8, hold
    no NUL byte and quote as the dialect says (:func:`validate_csv`: the
    loader runs it before COPY; the DuckDB build runs DuckDB's reader and,
    when that fails, this check to name the line without printing the row).
  * A table's ``required`` columns (the erasure requests' ``contact_id``)
    must be present, else the file is an error: a list that cannot name a
    contact must never be read as "everyone" or "nobody". A table's
    ``required_any`` columns (the suppressions' ``email`` / ``email_sha256``):
    at least one of them must be present.
  * A 0-byte file is an empty table; a missing optional table (marked
    ``meta: {optional: true}`` in the sources YAML: the suppressions; or the
    erasure requests) is no table: an empty one.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: The one definition of the raw column list (the dbt sources YAML; the
#: macros read the same list from the graph: raw_columns in
#: macros/staging/raw_input.sql).
SOURCES_YAML = Path(__file__).resolve().parent.parent / "models" / "staging" / "raw" / "_raw__sources.yml"


def _column_meta(column: dict) -> dict:
    return dict(column.get("meta") or (column.get("config") or {}).get("meta") or {})


def read_contract(path: Path = SOURCES_YAML) -> dict[str, list[dict]]:
    """Table -> its columns in contract order, each {name, data_type,
    parsed_as, optional}, from the sources YAML (source ``raw``)."""
    import yaml  # PyYAML: a dbt-core dependency, in every venv of the project

    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    source = next(s for s in document["sources"] if s["name"] == "raw")
    contract: dict[str, list[dict]] = {}
    for table in source["tables"]:
        contract[table["name"]] = [
            {"name": column["name"], "data_type": column.get("data_type", "text"),
             "parsed_as": _column_meta(column).get("parsed_as", "text"),
             "optional": bool(_column_meta(column).get("optional", False))}
            for column in table.get("columns", [])
        ]
    return contract


def read_optional_tables(path: Path = SOURCES_YAML) -> list[str]:
    """The raw tables marked ``meta: {optional: true}`` in the sources YAML:
    a folder or schema may lack them (they read as empty tables)."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    source = next(s for s in document["sources"] if s["name"] == "raw")
    return [table["name"] for table in source["tables"] if _column_meta(table).get("optional", False)]


#: Table -> every contract column, in order (optional ones included).
CONTRACT = read_contract()
#: The raw tables that may be absent as a whole (suppressions).
OPTIONAL_TABLES: list[str] = read_optional_tables()
#: The raw tables every folder or schema must offer at least one of (contacts, events, orders).
CORE_TABLES: list[str] = [table for table in CONTRACT if table not in OPTIONAL_TABLES]
#: Optional table -> the columns of which a file must have at least one.
REQUIRED_ANY: dict[str, list[str]] = {"suppressions": ["email", "email_sha256"]}


def normalized_email(address: str | None) -> str | None:
    """The normalization every email hash of the project uses, in Python
    (the SQL one is the macro normalized_email, macros/privacy/pii.sql):
    surrounding whitespace trimmed, then lower-cased; nothing else (no
    Gmail dot or plus folding, no Unicode normalization). None when empty.
    Python's str.strip trims the same ASCII whitespace as the SQL; the SQL
    also trims the Unicode space separators, the zero-width space and the BOM."""
    if address is None:
        return None
    text = address.strip(" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                         "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff").lower()
    return text or None


def email_sha256(address: str | None) -> str | None:
    """Hex SHA-256 of the normalized address (the project's email_sha256)."""
    import hashlib

    text = normalized_email(address)
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()
RAW_COLUMNS: dict[str, list[str]] = {t: [c["name"] for c in cols] for t, cols in CONTRACT.items()}
#: Table -> the columns a file or relation may lack (they read as null).
OPTIONAL_COLUMNS: dict[str, list[str]] = {t: [c["name"] for c in cols if c["optional"]] for t, cols in CONTRACT.items()}
#: Table -> the columns every export has (the contract without the optional ones).
REQUIRED_COLUMNS: dict[str, list[str]] = {t: [c["name"] for c in cols if not c["optional"]]
                                          for t, cols in CONTRACT.items()}


#: The file forms a table may take, by name suffix.
FORMATS = {".csv": ("csv", None), ".csv.gz": ("csv", "gzip"), ".parquet": ("parquet", None)}
GLOB_CHARACTERS = "*?[]{}"
NESTED_TYPE_PREFIXES = ("STRUCT", "MAP", "UNION", "LIST")
class RawFileError(ValueError):
    """A raw file or folder that cannot be read as the contract says."""


@dataclass
class TableSpec:
    columns: list[str]
    required: list[str] = field(default_factory=list)
    optional: bool = False
    all_forms: bool = False
    required_any: list[str] = field(default_factory=list)


@dataclass
class RawFile:
    table: str
    path: str
    format: str
    compression: str | None
    size: int
    columns: list[str]


def _parquet_columns(path: Path) -> list[tuple[str, str]] | None:
    """(name, type) of the top-level columns; None where DuckDB is not installed
    (the loader's Spark venv: Spark reads the file itself)."""
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    try:
        described = con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as error:
        raise RawFileError(f"{path.name}: not a readable Parquet file ({type(error).__name__})") from None
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


def _open_text(path: Path, compression: str | None):
    """The file as text the way the readers see it: UTF-8 (a BOM dropped),
    newlines translated, a bad byte kept as a marker (a lone surrogate)."""
    if compression == "gzip":
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="surrogateescape")
    return open(path, encoding="utf-8-sig", errors="surrogateescape")


def _field(header: list[str], columns: list[str], index: int) -> str:
    """How a message names field ``index`` (0-based): by its name when that is a
    contract column, else by position only (without a header line, the "header"
    is a row, and its values must not be printed)."""
    if index < len(header) and header[index] in columns:
        return f"column {header[index]} (field {index + 1})"
    return f"field {index + 1}"


def read_header(path: Path, compression: str | None = None) -> list[str]:
    """The header (line 1) of a CSV file, trimmed and lower-cased."""
    try:
        with _open_text(path, compression) as handle:
            names = next(csv.reader(handle, strict=True), [])
    except (csv.Error, OSError, EOFError):
        raise RawFileError(f"{path.name} line 1: the header cannot be read as CSV") from None
    if any(_BAD_CHARACTER.search(name) for name in names):
        raise RawFileError(f"{path.name} line 1: the header is not valid UTF-8 (or holds a NUL byte)")
    return [name.strip().lower() for name in names]


def check_header(path: Path, table: str, spec: TableSpec, header: list[str]) -> None:
    """One name per column; at least one of the table's columns; every required column."""
    if not any(header):
        header = []  # no names at all (`,,,`): validate_csv says so if rows follow
    first: dict[str, int] = {}
    for index, column in enumerate(header):
        if column and column in first:
            label = f"column {column}" if column in spec.columns else "a column"
            raise RawFileError(f"{path.name} line 1: the header names {label} twice (fields {first[column] + 1} "
                               f"and {index + 1}); which one is meant cannot be guessed")
        first.setdefault(column, index)
    if not spec.optional and header and not set(header) & set(spec.columns):
        raise RawFileError(f"{path.name} line 1: the header names none of the {table} columns "
                           f"({', '.join(spec.columns)}): another table, no header line, or not comma-separated")
    for column in spec.required:
        if column not in header:
            raise RawFileError(f"{path.name}: has no {column} column; an erasure list must name the contacts to "
                               "erase (read without it, it would erase everyone or nobody); nothing was read")
    if spec.required_any and not set(header) & set(spec.required_any):
        raise RawFileError(f"{path.name} line 1: the header names none of {', '.join(spec.required_any)}; a "
                           f"{table} list must give each address or its hash (read without them, it would "
                           "suppress nobody); nothing was read")


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
    PostgreSQL's COPY and DuckDB's reader as the start of a quoted value: they
    would split the row differently, so it is refused."""
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


def validate_csv(path: Path, columns: list[str], compression: str | None = None,
                 for_copy: bool = False) -> tuple[list[str], int]:
    """Read a CSV file with the project's dialect (UTF-8, comma, double quote,
    header on line 1) and return (header, number of records); raise
    RawFileError for the first bad record, naming the file, its line and
    field, never its content. for_copy: also refuse what only PostgreSQL's
    COPY misreads (a line holding only ``\\.`` ends COPY early)."""
    name = path.name
    csv.field_size_limit(2**31 - 1)  # PostgreSQL's text holds up to 1 GB
    with _open_text(path, compression) as handle:
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
                raise RawFileError(f"{name} line {start}: {reason}") from None
            raw = "".join(lines.record)
            if header is None:
                header = [field.strip().lower() for field in fields]
                if not any(header):
                    header = []
                named = header
            else:
                records += 1
                if for_copy and raw.rstrip("\r\n") == "\\.":
                    raise RawFileError(f"{name} line {start}: a line holding only \\. would end PostgreSQL's COPY "
                                       "there and drop every row after it; quote it (\"\\.\") or remove it")
                if not header:
                    raise RawFileError(f"{name} line 1: the header is empty, yet rows follow it")
                if not fields:
                    raise RawFileError(f"{name} line {start}: an empty line (the header has {len(header)} fields); "
                                       "remove it")
                if len(fields) != len(header):
                    raise RawFileError(f"{name} line {start}: row has {len(fields)} field"
                                       f"{'s' if len(fields) != 1 else ''}, the header has {len(header)}")
            if _BAD_CHARACTER.search(raw):
                for index, value in enumerate(fields):
                    bad = _BAD_CHARACTER.search(value)
                    if bad:
                        line = start + sum(f.count("\n") for f in fields[:index]) + value[: bad.start()].count("\n")
                        reason = "holds a NUL byte" if bad.group() == "\x00" else "not valid UTF-8"
                        raise RawFileError(f"{name} line {line}, {_field(named, columns, index)}: {reason}")
            if '"' in raw and not _WELL_QUOTED.fullmatch(raw):
                bare = _bare_quote(raw)
                if bare is not None:
                    raise RawFileError(f"{name} line {start}, {_field(named, columns, bare)}: a double quote inside "
                                       'an unquoted value; quote the whole value and write the quote as ""')
    return header or [], records


def _check_file(table: str, spec: TableSpec, entry: Path, fmt: str, compression: str | None) -> RawFile:
    size = entry.stat().st_size
    columns: list[str] = []
    if size > 0 and fmt == "csv":
        columns = read_header(entry, compression)
        check_header(entry, table, spec, columns)
    elif size > 0 and fmt == "parquet":
        typed = _parquet_columns(entry)
        if typed is None:
            return RawFile(table, str(entry), fmt, compression, size, [])  # the engine checks it
        columns = [name.strip().lower() for name, _ in typed]
        duplicate = _parquet_duplicate(entry)
        if duplicate:
            label = f"column {duplicate}" if duplicate in spec.columns else "a column"
            raise RawFileError(f"{entry.name}: the Parquet schema names {label} twice")
        for name, data_type in typed:
            upper = data_type.upper()
            if name.strip().lower() in spec.columns and (
                upper.startswith(NESTED_TYPE_PREFIXES) or upper.endswith("]")
            ):
                raise RawFileError(
                    f"{entry.name}: column '{name}' has the nested type {data_type.split('(')[0]}; the raw contract "
                    "needs plain values (text, numbers, timestamps, booleans): flatten it before export"
                )
        check_header(entry, table, spec, columns)
    return RawFile(table, str(entry), fmt, compression, size, columns)


def discover(folder: str | os.PathLike, specs: dict[str, TableSpec]) -> dict[str, list[RawFile]]:
    """Table name -> the files to read for it (in name order); raises RawFileError."""
    text = str(folder)
    if any(character in text for character in GLOB_CHARACTERS):
        raise RawFileError(
            f"{text}: a glob pattern ({GLOB_CHARACTERS} in the path); name one folder: each table is one file in it"
        )
    root = Path(text)
    if not root.exists():
        kind = "a link to nothing" if root.is_symlink() else "no such folder"
        raise RawFileError(f"{text}: {kind} (a typo? nothing was read)")
    if not root.is_dir():
        raise RawFileError(f"{text}: not a folder")
    found: dict[str, list[RawFile]] = {table: [] for table in specs}
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as error:
        raise RawFileError(f"{text}: cannot be listed ({error.strerror})") from None
    for entry in entries:
        table = entry.name.split(".", 1)[0].lower()
        if table not in specs:
            continue
        path = root / entry.name
        suffix = entry.name[len(table):]
        if entry.name[:len(table)] != table or suffix not in FORMATS:
            raise RawFileError(
                f"{path}: not a form of table {table} (a table is {table}.csv, {table}.csv.gz or "
                f"{table}.parquet, lower-case name); rename, unpack or move it"
            )
        if entry.is_symlink() and not path.exists():
            raise RawFileError(f"{path}: a link to {os.readlink(path)}, which does not exist")
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
            f"{text}: holds none of the raw tables ({', '.join(required)} as .csv, .csv.gz or .parquet); "
            "nothing was read"
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


def check_csv_rows(path: str, columns: list[str] | None = None, compression: str | None = None) -> str | None:
    """None when DuckDB reads every row of the CSV file with the project's fixed
    dialect; else a message naming the file and the first bad line, never its
    content (DuckDB's own message quotes the row)."""
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
        pass
    finally:
        con.close()
    try:
        validate_csv(Path(path), columns or [], compression)
    except RawFileError as error:
        return str(error)
    return (f"{Path(path).name}: DuckDB cannot read the file as CSV (comma, double quote, header on line 1); "
            "the row is not shown (it may hold personal data)")


def check_csv_rows_sql(path: str, compression: str) -> str | None:
    """check_csv_rows() for SQL callers ('none' = no compression)."""
    return check_csv_rows(path, None, None if compression == "none" else compression)
