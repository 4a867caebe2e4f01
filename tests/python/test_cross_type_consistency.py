"""Cross-type consistency at scale: no contact of 100,000 generated ones holds
a label combination declared impossible.

The combinations are declared once, in
seeds/segments/forbidden_label_combinations.csv, and tested on every dbt
build by the data test no_forbidden_label_combinations on contact_segments
(so the bundled sample proves them in every CI build). This test runs the
same data test on generated data at 100k contacts (segkit generate, 120
days, every persona), where the edges a small sample lacks occur (buyers
exactly at a threshold, long rhythms, contacts active only long ago), and
names any pair found with its count.
"""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from dbt_harness import PROJECT_DIR, run_dbt

CONTACTS = 100_000
DAYS = 120
MODELS = ("build", "--select", "+contact_segments", "forbidden_label_combinations",
          "--exclude-resource-type", "test", "unit_test")
TEST = ("test", "--select", "contact_segments,test_name:no_forbidden_label_combinations")
COMBINATIONS = PROJECT_DIR / "seeds" / "segments" / "forbidden_label_combinations.csv"


@pytest.fixture(scope="module")
def generated_build(tmp_path_factory):
    raw = tmp_path_factory.mktemp("generated_100k") / "raw"
    subprocess.run(
        [sys.executable, "-m", "segkit", "generate", "--contacts", str(CONTACTS), "--days", str(DAYS),
         "--seed", "11", "--format", "parquet", "--out", str(raw), "--quiet"],
        cwd=PROJECT_DIR, check=True, timeout=900)
    database = tmp_path_factory.mktemp("generated_100k_build") / "warehouse.duckdb"
    build = run_dbt(list(MODELS), database, vars={"raw_data_path": str(raw)})
    assert build.ok, build.failures()
    return database, raw


def test_no_forbidden_combination_in_100k_generated_contacts(generated_build):
    database, raw = generated_build
    tested = run_dbt(list(TEST), database, vars={"raw_data_path": str(raw)})
    build = tested
    with COMBINATIONS.open() as handle:
        pairs = list(csv.DictReader(handle))
    found = []
    for pair in pairs:
        a, b = pair["segmentation_type_a"], pair["segmentation_type_b"]
        count = build.query(
            f"select count(*) as n from main_marts.contact_segments "
            f"where {a}_segment = ? and {b}_segment = ?", [pair["segment_a"], pair["segment_b"]])[0]["n"]
        if count:
            found.append(f"{a}={pair['segment_a']} with {b}={pair['segment_b']}: {count} contacts ({pair['why']})")
    contacts = build.query("select count(*) as n from main_marts.contact_segments")[0]["n"]
    assert contacts >= CONTACTS * 0.9, f"only {contacts} contacts built"
    assert not found, "forbidden label combinations in the generated data:\n" + "\n".join(found)
    assert tested.ok, tested.failures()
