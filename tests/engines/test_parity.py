"""Parity: the same raw data (the bundled sample) built on DuckDB, PostgreSQL
and Spark gives the same facts for every contact and the same label in every
segmentation type.

The engine builds run in scripts/postgres.sh and scripts/spark.sh, which
export their tables with scripts/export_for_parity.sh into
$PARITY_DIR/<engine>/; scripts/test.sh runs them before this file. Run alone,
this file fails (it never skips) unless PARITY_DIR holds those exports.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from pathlib import Path

import pytest

ENGINES = ["duckdb", "postgres", "spark"]
# Doubles (shares, decayed score, averages) may differ in the last bits
# between engines; counts, dates, decimals and labels must match exactly.
REL_TOLERANCE = 1e-9


def _load(engine: str, model: str) -> list[dict]:
    root = os.environ.get("PARITY_DIR")
    assert root, "PARITY_DIR is not set: run scripts/test.sh (it builds every engine first)"
    path = Path(root) / engine / f"{model}.json"
    assert path.exists(), f"missing export {path}: the {engine} build did not run"
    return json.loads(path.read_text())["show"]


def _normalise(value):
    """One comparable form per value whatever engine and driver produced it."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for parse in (int, float):
        try:
            return float(parse(text))
        except ValueError:
            pass
    candidate = text.replace("T", " ").replace("Z", "").split("+")[0]
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(candidate, fmt)
            return parsed.isoformat(sep=" ")
        except ValueError:
            pass
    return text


def _keyed(rows: list[dict], keys: tuple[str, ...]) -> dict:
    return {tuple(row[k] for k in keys): {c: _normalise(v) for c, v in row.items()} for row in rows}


def _differences(reference: dict, other: dict) -> list[str]:
    problems = []
    if set(reference) != set(other):
        missing = sorted(set(reference) - set(other))[:5]
        extra = sorted(set(other) - set(reference))[:5]
        problems.append(f"keys differ: missing {missing}, extra {extra}")
    for key in sorted(set(reference) & set(other)):
        for column, expected in reference[key].items():
            actual = other[key].get(column)
            if isinstance(expected, float) and isinstance(actual, float):
                if abs(expected - actual) <= REL_TOLERANCE * max(1.0, abs(expected)):
                    continue
            elif expected == actual:
                continue
            problems.append(f"{key} {column}: duckdb={expected!r} other={actual!r}")
    return problems


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_facts_match_duckdb(engine):
    reference = _keyed(_load("duckdb", "fct_contact_behavior"), ("contact_id",))
    other = _keyed(_load(engine, "fct_contact_behavior"), ("contact_id",))
    assert len(reference) > 100
    problems = _differences(reference, other)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_segment_labels_match_duckdb(engine):
    key = ("contact_id", "segmentation_type")
    reference = _keyed(_load("duckdb", "segment_membership"), key)
    other = _keyed(_load(engine, "segment_membership"), key)
    assert len(reference) == 10 * len(_load("duckdb", "fct_contact_behavior"))
    labels = lambda rows: {k: v["segment"] for k, v in rows.items()}  # noqa: E731
    mismatched = [(k, labels(reference)[k], labels(other).get(k)) for k in labels(reference)
                  if labels(reference)[k] != labels(other).get(k)]
    assert not mismatched, f"{len(mismatched)} labels differ, first: {mismatched[:20]}"
    problems = _differences(reference, other)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])
