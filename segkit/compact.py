"""Rewrite a DuckDB file so that deleted rows leave no bytes behind.

After ``dbt run-operation purge_erased_contacts --args '{dry_run: false}'``
the erased rows are gone from every table, but DuckDB reuses free blocks
lazily: the file can still hold an erased address, contact id or email hash
in blocks that no table points to (``CHECKPOINT`` and ``VACUUM`` do not clear
them). Afterwards the only trace of an erased contact is the one kept on
purpose: the SHA-256 hash of its normalized address in the suppression
record (``<privacy schema>.erased_address_hashes`` and
``int_address_suppressions``), so the address is never emailed again.
This command copies every schema, table, view and macro into a new file,
checks that each table has the same number of rows, and only then replaces
the old file (a rename, so a failure leaves the old file as it was)::

    python -m segkit.compact behavioral_segmentation.duckdb

Run it when nothing else has the file open (no dbt run, no BI connection).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_counts(con, catalog: str) -> dict[tuple[str, str], int]:
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? order by 1, 2", [catalog]
    ).fetchall()
    return {
        (schema, table): con.execute(
            f'select count(*) from "{catalog}"."{schema}"."{table}"'.replace("\0", "")
        ).fetchone()[0]
        for schema, table in tables
    }


def compact(database: Path) -> dict[tuple[str, str], int]:
    """Rewrite database in place; returns the row count of every table."""
    import duckdb

    database = database.resolve()
    if not database.is_file():
        raise SystemExit(f"segkit.compact: {database} is not a file")
    fresh = database.with_name(database.name + ".compact-tmp")
    for leftover in (fresh, Path(str(fresh) + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach {_sql_string(str(database))} as old_db")
        con.execute("checkpoint old_db")  # fold a pending WAL into the file first
        con.execute("detach old_db")
        con.execute(f"attach {_sql_string(str(database))} as old_db (read_only)")
        con.execute(f"attach {_sql_string(str(fresh))} as fresh_db")
        con.execute("copy from database old_db to fresh_db")
        before, after = _table_counts(con, "old_db"), _table_counts(con, "fresh_db")
        if before != after:
            raise SystemExit(f"segkit.compact: the copy of {database} differs ({before} != {after}); "
                             "the old file is unchanged")
        con.execute("checkpoint fresh_db")
        con.execute("detach fresh_db")
        con.execute("detach old_db")
    finally:
        con.close()
    os.replace(fresh, database)
    Path(str(database) + ".wal").unlink(missing_ok=True)
    return after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segkit.compact", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", type=Path, help="the DuckDB file to rewrite")
    args = parser.parse_args(argv)
    size_before = args.database.stat().st_size if args.database.is_file() else 0
    counts = compact(args.database)
    print(f"compacted {args.database}: {len(counts)} tables, {sum(counts.values()):,} rows, "
          f"{size_before:,} -> {args.database.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
