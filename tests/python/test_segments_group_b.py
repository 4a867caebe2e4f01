"""End-to-end: journey stage, benefits sought, occasion, user status and
activity lifecycle on a small hand-written raw dataset of named personas.

The clock is fixed (as_of_date 2025-06-30, a Monday). With the default
lifecycle period of 30 days the current period is 2025-06-01 .. 06-30, the
previous one 2025-05-02 .. 05-31, and everything up to 2025-05-01 is "before".

Personas and what makes them:
  p_lead         anonymous web visitor (anon-1) in May, identified in June by a
                 form submit carrying the same anonymous id: a lead.
  p_holiday      four purchase days, all on weekends, two of them inside
                 holiday windows (Black Friday weekend, Valentine's week: 50%,
                 above 2 x the calendar's 12%; holiday wins over weekend);
                 plain orders (no benefit signal); last one 57 days ago.
  p_weekend      four purchase days in June, three on weekends, three with a
                 discount, and a review: a price-seeking advocate.
  p_premium      one premium order with express shipping (one order is too
                 little to judge a benefit), visited in May.
  p_ex           two pickup orders in October 2024, nothing since.
  p_resurrected  visited in March, nothing in May, back in June with a cart.
  p_mid_visitor  a single page view 36 days ago.
  p_old_emailer  a single email open 102 days ago.
  p_crm_only     a CRM record without any event or order.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_harness import Build, build_on, write_raw

AS_OF = "2025-06-30"
SEG_MODELS = ["seg_journey_stage", "seg_benefits_sought", "seg_occasion", "seg_user_status", "seg_activity_lifecycle"]
# Build the five models with everything upstream, but run only their own data
# and unit tests (defined in their .yml files) plus the seed those tests read:
# upstream tests belong to other suites and would only slow this one down.
SELECT = (
    "build",
    "--select", "segment_definitions",
    *[item for model in SEG_MODELS for item in (f"+{model}", f"path:models/marts/segments/{model}.yml")],
    "--indirect-selection", "empty",
)

CONTACTS = [
    # contact_id, email, created_at, email_opt_in
    ("p_lead", "lead@example.com", "2025-06-20 09:00:00", "true"),
    ("p_holiday", "holiday@example.com", "2024-11-01 09:00:00", "true"),
    ("p_weekend", "weekend@example.com", "2025-06-01 09:00:00", "true"),
    ("p_premium", "premium@example.com", "2025-05-01 09:00:00", "true"),
    ("p_ex", "ex@example.com", "2024-10-01 09:00:00", "false"),
    ("p_resurrected", "back@example.com", "2025-02-01 09:00:00", "true"),
    ("p_mid_visitor", "mid@example.com", "2025-05-01 09:00:00", "true"),
    ("p_old_emailer", "old@example.com", "2025-01-01 09:00:00", "true"),
    ("p_crm_only", "crm@example.com", "2025-01-15 09:00:00", "true"),
]

EVENTS = [
    # event_id, contact_id, anonymous_id, event_type, occurred_at, channel, properties
    ("e01", None, "anon-1", "page_view", "2025-05-15 10:00:00", "web", None),
    ("e02", None, "anon-1", "page_view", "2025-06-12 10:00:00", "web", None),
    ("e03", "p_lead", "anon-1", "form_submit", "2025-06-20 10:00:00", "web", None),
    ("e04", "p_weekend", None, "review_submitted", "2025-06-23 18:00:00", "web", None),
    ("e05", "p_premium", None, "page_view", "2025-05-20 12:00:00", "web", None),
    ("e06", "p_premium", None, "product_view", "2025-06-24 12:00:00", "web", None),
    ("e07", "p_resurrected", None, "page_view", "2025-03-01 12:00:00", "web", None),
    ("e08", "p_resurrected", None, "page_view", "2025-06-15 12:00:00", "web", None),
    ("e09", "p_resurrected", None, "add_to_cart", "2025-06-15 12:05:00", "web", None),
    ("e10", "p_mid_visitor", None, "page_view", "2025-05-25 08:00:00", "web", None),
    ("e11", "p_old_emailer", None, "email_open", "2025-03-20 08:00:00", "email", None),
]


def _order(order_id, contact_id, ordered_at, discount="", shipping="standard", tier="standard"):
    return (order_id, contact_id, ordered_at, "50.00", discount, "USD", "completed", shipping, tier)


ORDERS = [
    # holiday: Black Friday weekend, Christmas season, Valentine's week, Mother's Day week; all Sat/Sun
    _order("o01", "p_holiday", "2024-11-30 11:00:00"),
    _order("o02", "p_holiday", "2024-12-07 11:00:00"),
    _order("o03", "p_holiday", "2025-02-08 11:00:00"),
    _order("o04", "p_holiday", "2025-05-04 11:00:00"),
    # weekend: Sat, Sat, Sun discounted; one Wednesday at full price
    _order("o05", "p_weekend", "2025-06-07 15:00:00", discount="5.00"),
    _order("o06", "p_weekend", "2025-06-14 15:00:00", discount="5.00"),
    _order("o07", "p_weekend", "2025-06-22 15:00:00", discount="5.00"),
    _order("o08", "p_weekend", "2025-06-18 15:00:00"),
    # premium: one premium order shipped express
    _order("o09", "p_premium", "2025-06-25 13:00:00", shipping="express", tier="premium"),
    # ex-user: two pickup orders on Tuesdays in October 2024
    _order("o10", "p_ex", "2024-10-15 13:00:00", shipping="pickup"),
    _order("o11", "p_ex", "2024-10-22 13:00:00", shipping="pickup"),
]

EXPECTED = {
    # contact: (journey_stage, benefits_sought, occasion, user_status, activity_lifecycle)
    "p_lead": ("consideration", "insufficient_data", "insufficient_data", "potential_user", "current"),
    "p_holiday": ("customer", "no_benefit_signal", "holiday_shopper", "regular_user", "dormant"),
    "p_weekend": ("advocate", "price", "weekend_shopper", "regular_user", "new"),
    "p_premium": ("customer", "insufficient_data", "insufficient_data", "first_time_user", "current"),
    "p_ex": ("lapsed", "convenience", "everyday_shopper", "ex_user", "inactive"),
    "p_resurrected": ("decision", "insufficient_data", "insufficient_data", "potential_user", "resurrected"),
    "p_mid_visitor": ("awareness", "insufficient_data", "insufficient_data", "potential_user", "dormant"),
    "p_old_emailer": ("lapsed", "insufficient_data", "insufficient_data", "non_user", "inactive"),
    "p_crm_only": ("unknown", "insufficient_data", "insufficient_data", "non_user", "never_active"),
}


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("group_b_raw")
    write_raw(folder, "contacts", CONTACTS)
    write_raw(folder, "events", EVENTS)
    write_raw(folder, "orders", ORDERS)
    return folder


@pytest.fixture(scope="module")
def default_build(raw_dir, tmp_path_factory) -> Build:
    build = build_on(raw_dir, tmp_path_factory.mktemp("group_b_default"), vars={"as_of_date": AS_OF}, args=SELECT)
    assert build.ok, build.failures()
    return build


def _labels(build: Build) -> dict[str, dict[str, str]]:
    """{model: {contact_id: segment}} for the five models."""
    return {
        model: {row["contact_id"]: row["segment"] for row in build.table(f"main_marts.{model}")}
        for model in SEG_MODELS
    }


def test_personas_get_their_labels(default_build):
    labels = _labels(default_build)
    for model in SEG_MODELS:
        assert set(labels[model]) == set(EXPECTED), model
    actual = {contact: tuple(labels[model][contact] for model in SEG_MODELS) for contact in EXPECTED}
    assert actual == EXPECTED


def test_rows_carry_type_reason_and_deciding_facts(default_build):
    journey = default_build.by_key("main_marts.seg_journey_stage")
    assert journey["p_lead"]["segmentation_type"] == "journey_stage"
    # the form submit (consideration) and the stitched anonymous visits count for the lead
    assert journey["p_lead"]["max_event_journey_stage"] == "consideration"
    assert journey["p_lead"]["segment_reason"] == (
        "furthest step in the last 90 days: consideration; furthest stage consideration")
    assert journey["p_ex"]["reason_code"] == "buyer_inactive_and_overdue"
    assert journey["p_ex"]["segment_reason"] == (
        "last activity 251 days ago; last purchase 251 days ago; buys every 7 days on average; "
        "furthest stage customer")
    assert journey["p_holiday"]["days_since_last_activity"] == 57
    lifecycle = default_build.by_key("main_marts.seg_activity_lifecycle")
    assert str(lifecycle["p_lead"]["first_activity_date"]) == "2025-05-15"
    benefits = default_build.by_key("main_marts.seg_benefits_sought")
    assert benefits["p_weekend"]["discounted_order_share"] == pytest.approx(0.75)
    # one order is too little to judge a benefit (benefit_min_orders 2)
    assert benefits["p_premium"]["segment_reason"] == "1 of the 2 completed orders needed to judge a benefit"
    assert benefits["p_holiday"]["reason_code"] == "no_benefit_signal"
    occasion = default_build.by_key("main_marts.seg_occasion")
    assert occasion["p_holiday"]["weekend_purchase_day_share"] == pytest.approx(1.0)
    # Nov 30 (Black Friday weekend) and Feb 8 (Valentine's week) are in the
    # generated calendar; Dec 7 and May 4 are not (Christmas Dec 11-24,
    # Mother's Day week May 5-11 in 2025)
    assert occasion["p_holiday"]["occasion_purchase_day_share"] == pytest.approx(0.5)
    assert occasion["p_holiday"]["reason_code"] == "holiday_lift"
    for model in SEG_MODELS:
        rows = default_build.table(f"main_marts.{model}")
        assert all(row["segment_reason"] for row in rows), model
        assert {str(row["as_of_date"]) for row in rows} == {AS_OF}, model


def test_shorter_lapse_window_moves_only_the_expected_contacts(raw_dir, default_build, tmp_path_factory):
    # Same raw data and facts: start from a copy of the default warehouse and
    # rebuild only the journey model with the shorter window (a plain `run`:
    # the default-threshold unit tests would rightly fail under this var).
    work_dir = tmp_path_factory.mktemp("group_b_lapse30")
    with duckdb.connect(str(default_build.database)) as con:
        con.execute("checkpoint")  # fold the write-ahead log into the file before copying it
    shutil.copy(default_build.database, work_dir / "warehouse.duckdb")
    short = build_on(
        raw_dir,
        work_dir,
        vars={"as_of_date": AS_OF, "journey_lapse_days": 30},
        args=("run", "--select", "seg_journey_stage"),
    )
    assert short.ok, short.failures()
    before = _labels(default_build)["seg_journey_stage"]
    after = {row["contact_id"]: row["segment"] for row in short.table("main_marts.seg_journey_stage")}
    moved = {contact: (before[contact], after[contact]) for contact in before if before[contact] != after[contact]}
    # last activity 36 days ago: inside 90 days, beyond 30. p_holiday (last
    # activity 57 days ago) is a buyer on her rhythm (every 52 days, overdue
    # after 78): no activity for 30 days does not make a buyer lapsed.
    assert moved == {"p_mid_visitor": ("awareness", "lapsed")}
    rows = short.by_key("main_marts.seg_journey_stage")
    assert rows["p_mid_visitor"]["reason_code"] == "prospect_inactive"
    assert (rows["p_holiday"]["segment"], rows["p_holiday"]["reason_code"]) == ("customer", "purchased")
