"""Search every column of every relation (table or view) of a built DuckDB
database for given values, as case-insensitive substrings.

Used by the privacy and erasure suites: each relation is read once, all its
columns cast to text and joined with a separator no needle contains, and
matched against all needles in one query.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import duckdb

SYSTEM_SCHEMAS = {"information_schema", "pg_catalog"}
_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str  # BASE TABLE or VIEW

    @property
    def qualified(self) -> str:
        return f'"{self.schema}"."{self.name}"'


def relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Every table and view of the database the connection opened (not the system schemas)."""
    rows = con.execute(
        """
        select table_schema, table_name, table_type
        from information_schema.tables
        where table_catalog = current_database()
        order by table_schema, table_name
        """
    ).fetchall()
    return [Relation(s, n, k) for s, n, k in rows if s not in SYSTEM_SCHEMAS]


def columns(con: duckdb.DuckDBPyConnection, relation: Relation) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            """
            select column_name from information_schema.columns
            where table_catalog = current_database() and table_schema = ? and table_name = ?
            order by ordinal_position
            """,
            [relation.schema, relation.name],
        ).fetchall()
    ]


def find_substrings(
    database: Path,
    needles: Iterable[str],
    include=lambda relation: True,
) -> dict[str, list[tuple[str, str]]]:
    """{qualified relation: [(needle, matching text)]} for every relation with a
    column value containing a needle (case-insensitive). Empty means clean."""
    wanted = sorted({needle.lower() for needle in needles if needle})
    assert all(_SEPARATOR not in needle for needle in wanted)
    found: dict[str, list[tuple[str, str]]] = {}
    # same configuration as dbt-duckdb (a read-only handle cannot coexist with its open one)
    con = duckdb.connect(str(database))
    try:
        for relation in relations(con):
            if not include(relation):
                continue
            names = columns(con, relation)
            row_text = " || '{sep}' || ".format(sep=_SEPARATOR).join(
                f"""coalesce(cast("{name}" as varchar), '')""" for name in names
            )
            hits = con.execute(
                f"""
                with texts as (select lower({row_text}) as row_text from {relation.qualified}),
                needles as (select unnest(?::varchar[]) as needle)
                select distinct needles.needle, texts.row_text
                from texts
                inner join needles on contains(texts.row_text, needles.needle)
                order by 1, 2
                limit 20
                """,
                [wanted],
            ).fetchall()
            if hits:
                found[relation.qualified] = [(needle, text.replace(_SEPARATOR, " | ")) for needle, text in hits]
    finally:
        con.close()
    return found
