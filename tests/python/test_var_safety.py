"""Var safety: no var value reaches SQL unchecked.

Every var that ends up in SQL is read through a validator
(macros/config/config_vars.sql): dates must be real dates, numbers numbers,
lists simple codes, paths free of quotes, names plain identifiers. A value
crafted to break out of its SQL literal stops the build at compile time, with
a message naming the var, and nothing runs: a table `x` (the injections'
target) and every relation of an already built database are unchanged.

Also: no model or macro reads a var without a validator (a static audit of
every var( call).
"""
from __future__ import annotations

import hashlib
import re

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw

AS_OF = "2024-03-31"
DROP = "'; drop table x; --"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("var_safety")
    raw = base / "raw"
    write_raw(raw, "contacts", [("a", "a@example.com", "2024-01-01 10:00:00", "true")])
    write_raw(raw, "events", [("e1", "a", None, "content_download", "2024-03-01 10:00:00", "web", None)])
    write_raw(raw, "orders", [("o1", "a", "2024-03-02 10:00:00", "10.00", "", "USD", "completed", "express", "premium")])
    build = build_on(raw, base / "work", vars={"as_of_date": AS_OF},
                     args=("build", "--exclude-resource-type", "test", "unit_test"))
    assert build.ok, build.failures()
    con = duckdb.connect(str(build.database))
    con.execute("create table x as select 1 as survived")
    con.close()
    return raw, build


def fingerprint(database) -> dict[str, tuple]:
    """Every relation: its kind, its definition (views) and a hash of its sorted rows (tables)."""
    con = duckdb.connect(str(database))
    try:
        found = {}
        for schema, name, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall():
            if kind == "VIEW":
                sql = con.execute(
                    "select sql from duckdb_views() where schema_name = ? and view_name = ?", [schema, name]
                ).fetchone()[0]
                found[f"{schema}.{name}"] = (kind, sql)
            else:
                rows = sorted(repr(row) for row in con.execute(f'select * from "{schema}"."{name}"').fetchall())
                found[f"{schema}.{name}"] = (kind, len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return found
    finally:
        con.close()


def messages(build: Build) -> str:
    texts = [str(build.result.exception or "")]
    res = build.result.result
    if res is not None and hasattr(res, "results"):
        texts += [str(r.message or "") for r in res.results]
    return "\n".join(texts)


CASES = [
    # var, hostile value, the model that reads it (built with everything downstream)
    ("as_of_date", "2026-01-01" + DROP, "int_as_of_date+"),
    ("fact_window_short_days", "7; drop table x", "fct_contact_behavior+"),
    ("convenience_shipping_methods", ["express", "pickup')); drop table x; --"], "int_contact_daily_activity+"),
    ("raw_data_path", "/tmp/raw" + DROP, "base_raw__contacts+"),
    ("order_statuses", ["completed", "x') or ('1'='1"], "base_raw__orders+"),
    ("plausible_timestamp_min", "2000-01-01" + DROP, "base_raw__events+"),
    ("erasure_requests_relation", "main.x; drop table x", "base_raw__contacts+"),
    ("activation_include_email", "true; drop table x", "activation_nurture"),
    ("export_path", "/tmp/out" + DROP, "activation_nurture"),
    ("re_engagement_quiet_days", "90 or 1=1", "activation_re_engagement"),
    ("activation_min_days_between_lists", "7) or (1=1", "activation_assignment"),
    ("rfm_segment_map", "rfm_segment_map; drop table x", "seg_rfm"),
    ("usage_rate_method", "quantile" + DROP, "seg_usage_rate"),
    ("engagement_high_score", "10); drop table x; --", "seg_engagement_level"),
]


@pytest.mark.parametrize("name, value, selector", CASES, ids=[case[0] for case in CASES])
def test_hostile_var_stops_at_compile_time(built, name, value, selector):
    raw, build = built
    before = fingerprint(build.database)
    failed = build_on(raw, build.database.parent, vars={"as_of_date": AS_OF, name: value},
                      args=("build", "--select", selector))
    assert not failed.ok
    assert f"Invalid var '{name}'" in messages(failed), messages(failed)
    after = fingerprint(build.database)
    assert "main.x" in after
    assert after == before


def test_hostile_raw_schema_stops_at_compile_time(built):
    # raw_schema is read only without raw_data_path (the raw tables live in a schema)
    _, build = built
    before = fingerprint(build.database)
    failed = run_dbt(["build", "--select", "base_raw__contacts"], build.database,
                     vars={"raw_schema": 'main_raw"; drop table x; --'})
    assert not failed.ok
    assert "Invalid var 'raw_schema'" in messages(failed), messages(failed)
    assert fingerprint(build.database) == before


def test_whole_build_with_a_hostile_clock_changes_nothing(built):
    raw, build = built
    before = fingerprint(build.database)
    failed = build_on(raw, build.database.parent, vars={"as_of_date": "2026-01-01" + DROP},
                      args=("build", "--exclude-resource-type", "unit_test"))
    assert not failed.ok
    assert "Invalid var 'as_of_date'" in messages(failed)
    assert fingerprint(build.database) == before


# every var( call in models, macros, tests and analyses, and the validator that guards it
VALIDATED_RAW_READS = {
    # macros/config/config_vars.sql: the validators themselves
    ("macros/config/config_vars.sql", "name"),
    # checked right after reading against a fixed list of choices
    ("macros/segmentation/usage_rate.sql", "usage_rate_method"),
    ("macros/segmentation/usage_rate.sql", "usage_rate_window"),
    ("macros/segmentation/engagement_level.sql", "engagement_graymail_method"),
    ("macros/segmentation/rfm.sql", "rfm_segment_map"),
    ("analyses/segment_overlap.sql", "overlap_type_a"),
    ("analyses/segment_overlap.sql", "overlap_type_b"),
    # rule_version: hashed, never rendered into SQL
    ("macros/segmentation/_segment_model.sql", "name"),
    # rule parameters: read by name and validated by the kind declared in rule_parameter_specs()
    # (int / number / number_list through config_*, choice against its list, seed_name by pattern)
    ("macros/segmentation/_rule_parameters.sql", "var_name"),
    ("macros/segmentation/_rule_parameters.sql", "length_var"),
    # reporting_time_zone: pattern-checked, then against the IANA seed (local_time.sql)
    ("macros/cross_db/local_time.sql", "name"),
    # occasion_calendar_rules: every key and value checked; plausible_* through parse_iso_date
    ("macros/segmentation/occasion_calendar.sql", "name"),
    ("macros/segmentation/occasion_calendar.sql", "plausible_timestamp_min"),
    ("macros/segmentation/occasion_calendar.sql", "plausible_timestamp_max"),
    # reporting_currency ([A-Z]{3}) and exchange_rates ({[A-Z]{3}: number > 0}) in currency.sql
    ("macros/staging/currency.sql", "reporting_currency"),
    ("macros/staging/currency.sql", "exchange_rates"),
    # a data test's bound: `| int` makes any value a number (validated for the model by rule_parameter)
    ("models/marts/segments/seg_engagement_level.yml", "engagement_grace_days"),
    # the raw schema as a source's schema: validated in raw_relation() before any source is read
    ("models/staging/raw/_raw__sources.yml", "raw_schema"),
    # source freshness thresholds: dbt config, never SQL; checked in place (a whole number >= 1
    # or null, else parsing fails naming the var) and dbt validates the count as an integer
    ("models/staging/raw/_raw__sources.yml", "source_freshness_warn_days"),
    ("models/staging/raw/_raw__sources.yml", "source_freshness_error_days"),
}


def test_every_var_read_is_validated():
    found = set()
    for folder in ["models", "macros", "tests", "analyses"]:
        for path in (PROJECT_DIR / folder).rglob("*"):
            if path.suffix not in (".sql", ".yml") or "python" in path.parts:
                continue
            for match in re.finditer(r"\bvar\(\s*'?(\w+)", path.read_text()):
                found.add((path.relative_to(PROJECT_DIR).as_posix(), match.group(1)))
    unexpected = found - VALIDATED_RAW_READS
    assert not unexpected, f"var() read without a validator (use macros/config/config_vars.sql): {sorted(unexpected)}"
