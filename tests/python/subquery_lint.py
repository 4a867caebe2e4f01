"""A lint for the bug class behind the erasure that erased everyone: a
subquery in `exists (...)` or `in (...)` whose column is unqualified binds to
the outer query's column of that name when its own source lacks it, so
`where contact_id in (select contact_id from requests)` is true for every
row once `requests` has no contact_id. The rule: inside such a subquery,
every column reference names its relation (`requests.contact_id`).

Parses compiled SQL with sqlfluff (DuckDB dialect) and returns the
unqualified references found, with the subquery they sit in.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import sqlfluff

SUBQUERY_HINT = re.compile(r"\b(exists|in)\s*\(\s*select\b", re.IGNORECASE)


def _pairs(node) -> Iterator[tuple[str, object]]:
    """The children of a parse node as (type, value) pairs, in order."""
    if isinstance(node, dict):
        yield from node.items()
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict):
                yield from item.items()


def _column_references(node) -> Iterator[object]:
    for key, value in _pairs(node):
        if key == "column_reference":
            yield value
        elif isinstance(value, (dict, list)):
            yield from _column_references(value)


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(value) for _, value in _pairs(node))


def _is_qualified(reference) -> bool:
    return any(key == "dot" for key, _ in _pairs(reference))


def _subqueries(node) -> Iterator[object]:
    """Every bracketed select that follows the keyword EXISTS or IN."""
    pairs = list(_pairs(node))
    for index, (key, value) in enumerate(pairs):
        if key == "keyword" and isinstance(value, str) and value.lower() in ("exists", "in"):
            for later_key, later in pairs[index + 1:]:
                if later_key in ("whitespace", "newline"):
                    continue
                if later_key == "bracketed" and any(k == "select_statement" for k, _ in _pairs(later)):
                    yield later
                break
        if isinstance(value, (dict, list)):
            yield from _subqueries(value)


def unqualified_references(sql: str) -> list[str]:
    """'column in: subquery text' for each unqualified column of an EXISTS / IN subquery."""
    if not SUBQUERY_HINT.search(sql):
        return []
    tree = sqlfluff.parse(sql, dialect="duckdb")
    found = []
    for subquery in _subqueries(tree):
        for reference in _column_references(subquery):
            if not _is_qualified(reference):
                found.append(f"{_text(reference)} in: {' '.join(_text(subquery).split())[:160]}")
    return found


def lint_folder(folder: Path) -> dict[str, list[str]]:
    """Relative path -> problems, for every .sql file under folder that has any."""
    problems = {}
    for path in sorted(folder.rglob("*.sql")):
        found = unqualified_references(path.read_text())
        if found:
            problems[str(path.relative_to(folder))] = found
    return problems
