"""The analyses in analyses/ compile and run on the built sample, and say
something consistent with the marts."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dbt_harness import run_dbt


@pytest.fixture(scope="module")
def analyses(sample, tmp_path_factory):
    target = tmp_path_factory.mktemp("analyses-target")
    build = run_dbt(["compile", "--select", "resource_type:analysis"], sample.database, target_path=target)
    assert build.ok, build.failures()
    compiled = {path.stem: path.read_text() for path in target.rglob("analyses/*.sql")}
    con = duckdb.connect(str(sample.database))
    results = {}
    for name, sql in compiled.items():
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        results[name] = [dict(zip(names, row)) for row in cursor.fetchall()]
    con.close()
    return results


def test_all_four_analyses_run(analyses):
    assert set(analyses) == {"journey_funnel", "conversion_lift", "segment_overlap", "rfm_grid"}
    assert all(rows for rows in analyses.values())


def test_funnel_is_monotone(analyses):
    counts = [row["contacts"] for row in analyses["journey_funnel"]]
    assert len(counts) == 5
    assert counts == sorted(counts, reverse=True)


def test_rfm_grid_matches_buyers(analyses, sample):
    buyers = sample.query("select count(*) as n from main_marts.fct_contact_behavior where purchase_days > 0")[0]["n"]
    assert sum(row["contacts"] for row in analyses["rfm_grid"]) == buyers


def test_overlap_covers_every_contact(analyses, sample):
    contacts = sample.query("select count(*) as n from main_marts.fct_contact_behavior")[0]["n"]
    assert sum(row["contacts"] for row in analyses["segment_overlap"]) == contacts


def test_conversion_lift_has_rates(analyses):
    for row in analyses["conversion_lift"]:
        for key in ("conversion_rate_with", "conversion_rate_without"):
            assert row[key] is None or 0 <= row[key] <= 1
