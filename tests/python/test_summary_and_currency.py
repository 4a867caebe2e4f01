"""The segment summary and currencies (issue 9, item 9), on the stories of
tests/stories/summary_and_currency.yml.

The story runner (test_marketer_stories.py, tests/engines) checks each
story's labels, lists, facts and quarantine in the shared world. What a story
file cannot say, the summary's rows, is checked here, on one DuckDB build of
this file's stories (in the vars of their world):

  * reachable_contacts of every summary row is the number of its members the
    lists' gate (contactability.is_contactable) lets through;
  * contacts counts CRM contacts only; identities outside the CRM (ids seen
    only on events or orders) are non_crm_identities, with their own revenue;
  * every median names its population (_buyers) and is computed over it;
  * revenue is in the reporting currency: a EUR order converted, GBP and JPY
    orders without a rate quarantined as unknown_currency (2 rows, counted in
    the accounting identity and the data-quality report), never summed;
  * purchase behavior and usage rate reasons are sentences with the
    contact's numbers, and the reason codes are stable.
"""
from __future__ import annotations

import re
import statistics
from decimal import Decimal

import pytest

import stories as st
from dbt_harness import build_on, write_raw

FILE = "summary_and_currency.yml"
STORIES = [story for story in st.load_stories() if story.file == FILE]
WORLD = st.load_worlds()["main"]
BUILD = ("build", "--exclude-resource-type", "unit_test")
SUMMARY = "main_marts.segment_summary"


def cid(story_id: str, local: str = "c") -> str:
    return f"{story_id}{st.SEP}{local}"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    raw = st.write_world(STORIES, WORLD, tmp_path_factory.mktemp("summary_world") / "raw")
    build = build_on(raw, tmp_path_factory.mktemp("summary_build"), vars=WORLD.build_vars(), args=BUILD)
    assert build.ok, build.failures()
    return build


@pytest.fixture(scope="module")
def result(world):
    return st.read_world(world.query, lambda layer, table: f"main_{layer}.{table}")


@pytest.mark.parametrize("story", STORIES, ids=st.story_ids(STORIES))
def test_story_holds(story, result):
    problems = st.check_story(story, result)
    assert not problems, f"{story.id}: {story.text}\n  " + "\n  ".join(problems)


def test_there_are_at_least_six_stories():
    assert len(STORIES) >= 6


def test_reachable_share_is_the_lists_gate(world):
    members = world.query("""
        select m.segmentation_type, m.segment, m.contact_id, coalesce(g.is_contactable, false) as ok
        from main_marts.segment_membership as m
        left join main_marts.contactability as g on m.contact_id = g.contact_id""")
    expected: dict[tuple, int] = {}
    for row in members:
        key = (row["segmentation_type"], row["segment"])
        expected[key] = expected.get(key, 0) + (1 if row["ok"] else 0)
    summary = {(r["segmentation_type"], r["segment"]): r for r in world.table(SUMMARY)}
    for key, row in summary.items():
        assert row["reachable_contacts"] == expected.get(key, 0), key
        if row["contacts"]:
            assert row["reachable_share"] == pytest.approx(row["reachable_contacts"] / row["contacts"]), key
    # the two stories: neither the unsubscribed buyer nor the contact without an address is reachable
    gate = {r["contact_id"]: r["is_contactable"] for r in world.table("main_marts.contactability")}
    assert gate[cid("sum_unsubscribed_not_reachable")] is False
    assert gate[cid("sum_opted_in_without_address")] is False
    engagement = {r["contact_id"]: r["segment"] for r in members if r["segmentation_type"] == "engagement_level"}
    no_address = summary[("engagement_level", engagement[cid("sum_opted_in_without_address")])]
    assert no_address["reachable_contacts"] < no_address["contacts"]


def test_identities_outside_the_crm_are_counted_apart(world):
    facts = world.by_key("main_marts.fct_contact_behavior")
    crm = sum(1 for row in facts.values() if row["is_in_crm"])
    outside = sum(1 for row in facts.values() if not row["is_in_crm"])
    assert facts[cid("sum_event_only_identity", "ghost")]["is_in_crm"] is False
    assert outside >= 1
    for segmentation_type in st.TYPES:
        rows = [r for r in world.table(SUMMARY) if r["segmentation_type"] == segmentation_type]
        assert sum(r["contacts"] for r in rows) == crm, segmentation_type
        assert sum(r["non_crm_identities"] for r in rows) == outside, segmentation_type
        revenue = sum(r["revenue"] + r["non_crm_revenue"] for r in rows)
        assert revenue == sum(row["net_revenue"] for row in facts.values()), segmentation_type
        assert sum(r["non_crm_revenue"] for r in rows) == Decimal("60.00"), segmentation_type


def test_every_median_names_its_population(world):
    columns = [r["column_name"] for r in world.query(
        "select column_name from information_schema.columns where table_schema = 'main_marts' "
        "and table_name = 'segment_summary' and column_name like 'median%' order by column_name")]
    assert columns == ["median_days_since_last_purchase_buyers", "median_purchase_days_buyers"]
    rows = world.query("""
        select m.segmentation_type, m.segment, f.days_since_last_purchase, f.purchase_days
        from main_marts.segment_membership as m
        inner join main_marts.fct_contact_behavior as f on m.contact_id = f.contact_id
        where f.is_in_crm and f.purchase_days > 0""")
    buyers: dict[tuple, list[dict]] = {}
    for row in rows:
        buyers.setdefault((row["segmentation_type"], row["segment"]), []).append(row)
    for row in world.table(SUMMARY):
        group = buyers.get((row["segmentation_type"], row["segment"]), [])
        if not group:
            assert row["median_purchase_days_buyers"] is None and row["median_days_since_last_purchase_buyers"] is None
            continue
        assert row["median_purchase_days_buyers"] == pytest.approx(statistics.median(r["purchase_days"] for r in group))
        assert row["median_days_since_last_purchase_buyers"] == pytest.approx(
            statistics.median(r["days_since_last_purchase"] for r in group))


def test_orders_without_a_rate_are_quarantined_and_counted(world):
    quarantined = world.query(
        "select record_key, rejection_reason from main_staging.stg_raw__quarantine where source_table = 'orders'")
    story = "cur_two_currencies_without_rate"
    assert sorted(r["record_key"] for r in quarantined if r["rejection_reason"] == "unknown_currency") == [
        f"{story}{st.SEP}o2", f"{story}{st.SEP}o3"]
    report = {(r["source_table"], r["check_name"]): r["check_value"]
              for r in world.table("main_marts.data_quality_report")}
    assert report[("orders", "quarantined_unknown_currency")] == 2
    accounting = {r["source_table"]: r for r in world.table("main_staging.stg_raw__row_accounting")}
    orders = accounting["orders"]
    assert orders["rows_read"] == orders["rows_staged"] + orders["duplicates_removed"] + orders["rows_quarantined"] \
        + orders["rows_erased"]


def test_staged_orders_are_in_the_reporting_currency(world):
    orders = world.by_key("main_staging.stg_raw__orders", "order_id")
    eur = orders[f"cur_eur_order_converted{st.SEP}o1"]
    assert (eur["currency"], eur["original_order_total"], eur["rate_to_reporting"], eur["order_total"]) == (
        "EUR", Decimal("100.00"), Decimal("1.1"), Decimal("110.00"))
    blank = orders[f"cur_order_without_currency{st.SEP}o1"]
    assert (blank["currency"], blank["order_total"], blank["rate_to_reporting"]) == (None, Decimal("25.00"), 1)
    assert {row["reporting_currency"] for row in orders.values()} == {"USD"}


def test_purchase_and_usage_reasons_are_sentences_with_the_contacts_numbers(world):
    behavior = world.by_key("main_marts.seg_purchase_behavior")
    high = behavior[cid("pb_high_spender")]
    # few buyers in this small world: the fixed threshold decides, and the reason says so
    assert high["segment"] == "high_spender"
    assert high["reason_code"] == "revenue_above_fixed_threshold"
    assert high["segment_reason"].startswith("net revenue 25,000.00 USD, at least 1,000.00")
    assert re.search(r"fixed threshold: only \d+ buyers, fewer than 20$", high["segment_reason"])
    usage = world.by_key("main_marts.seg_usage_rate")
    heavy = usage[cid("ur_heavy_app_user")]
    assert heavy["segment"] == "heavy"
    assert heavy["reason_code"] == "heavy_fixed_events"
    assert heavy["segment_reason"].startswith("60 app events in the last 30 days, at least 20")
    none = usage[cid("cur_order_without_currency")]
    assert (none["segment"], none["reason_code"], none["segment_reason"]) == (
        "non_user", "no_usage", "no app event in the last 30 days")


@pytest.mark.parametrize("value", ["usd", "DOLLAR", 5])
def test_reporting_currency_is_validated(tmp_path, value):
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [("ann", "ann@example.com", "2024-01-02 10:00:00", "true")])
    build = build_on(raw, tmp_path / "work", vars={"reporting_currency": value},
                     args=("build", "--select", "+stg_raw__orders", "--exclude-resource-type", "unit_test"))
    assert not build.ok
    assert "reporting_currency" in " ".join(build.failures()) + str(build.result.exception)
