"""End-to-end tests of the spine: raw files -> staging -> intermediate -> facts.

Each scenario writes small raw CSV files, builds the project on them through
`raw_data_path` (database and target under a pytest tmp folder), and asserts
on what was built. Builds select only the spine
(`+fct_contact_behavior +stg_raw__row_accounting`), so models elsewhere in the
project are not built. The unit tests run once (in the shop build); the data
tests run in the shop, orders-only and bad-rows builds.

Scenarios
  (a) lifetimes reference data: exact BTYD purchase summary (segmentation.md s2)
  (b) a hand-written shop with named contacts: exact facts
  (c) only orders.csv present
  (d) bad rows: quarantine reasons, duplicates, row accounting
  (e) point in time: rows after the as-of date change no fact
  (f) determinism: a second build (rows in reverse order, one thread) is identical
  (g) bad vars fail with a message naming the var
"""
from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw

_SELECT = (
    "--select", "+fct_contact_behavior", "+stg_raw__row_accounting",
    # only tests whose every parent is selected (not tests that also read segments)
    "--indirect-selection", "cautious",
)
# the spine with its data tests and unit tests (the main hand-written shop)
SPINE = ("build", *_SELECT)
# the spine with its data tests (the unit tests already ran once above)
SPINE_CHECKED = ("build", *_SELECT, "--exclude-resource-type", "unit_test")
# seeds and models only, where every asserted value is checked here exactly
SPINE_MODELS = ("build", *_SELECT, "--exclude-resource-type", "test", "unit_test")
FACTS = "main_marts.fct_contact_behavior"
QUARANTINE = "main_staging.stg_raw__quarantine"
ACCOUNTING = "main_staging.stg_raw__row_accounting"
AS_OF = "2024-03-31"


def assert_ok(build: Build) -> None:
    assert build.ok, "dbt build failed:\n" + "\n".join(build.failures())


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def accounting(build: Build) -> dict[str, tuple[int, int, int, int]]:
    rows = build.table(ACCOUNTING)
    for row in rows:
        assert row["rows_read"] == row["rows_staged"] + row["duplicates_removed"] + row["rows_quarantined"], row
    found = {
        row["source_table"]: (row["rows_read"], row["rows_staged"], row["duplicates_removed"], row["rows_quarantined"])
        for row in rows
    }
    # the optional suppression list: these shops give none
    assert found.pop("suppressions") == (0, 0, 0, 0)
    return found


# --------------------------------------------------------------------------
# (a) the lifetimes reference dataset
# --------------------------------------------------------------------------

LIFETIMES = PROJECT_DIR / "tests" / "fixtures" / "lifetimes"


@pytest.fixture(scope="module")
def lifetimes_build(tmp_path_factory) -> Build:
    base = tmp_path_factory.mktemp("lifetimes")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(LIFETIMES / "orders.csv", raw / "orders.csv")
    build = build_on(raw, base / "work", vars={"as_of_date": "2015-02-07"}, args=SPINE_MODELS)
    assert_ok(build)
    return build


def test_lifetimes_purchase_summary(lifetimes_build):
    # segmentation.md section 2: the lifetimes package's own test, as of 2015-02-07.
    # contact: (repeat_purchase_days, days_first_to_last_purchase, days_since_first_purchase,
    #           avg_repeat_purchase_value, purchase_days, order_count, net_revenue, days_since_last_purchase)
    expected = {
        "1": (1, 36, 37, 2.0, 2, 2, Decimal("3.00"), 1),
        "2": (0, 0, 37, 0.0, 1, 1, Decimal("2.00"), 37),
        "3": (2, 4, 37, 3.0, 3, 3, Decimal("9.00"), 33),
        "4": (2, 20, 22, 3.0, 3, 3, Decimal("12.00"), 2),
        "5": (2, 2, 22, 4.5, 3, 3, Decimal("12.00"), 20),
        "6": (0, 0, 5, 0.0, 1, 1, Decimal("5.00"), 5),
    }
    facts = lifetimes_build.by_key(FACTS)
    actual = {
        key: (
            row["repeat_purchase_days"], row["days_first_to_last_purchase"], row["days_since_first_purchase"],
            row["avg_repeat_purchase_value"], row["purchase_days"], row["order_count"], row["net_revenue"],
            row["days_since_last_purchase"],
        )
        for key, row in facts.items()
    }
    assert actual == expected
    assert {row["as_of_date"] for row in facts.values()} == {date(2015, 2, 7)}


# --------------------------------------------------------------------------
# (b) a hand-written shop, as of 2024-03-31
# --------------------------------------------------------------------------

CONTACTS = [
    # contact_id, email, created_at, email_opt_in
    ("alice", "  Alice@Example.COM ", "2024-01-05 10:00:00", "true"),
    ("bob", "bob@example.com", "2024-02-01 00:00:00", "yes"),
    ("carol", "carol@example.com", "2024-03-10 09:00:00", "false"),
    ("dave", "dave@example.com", "2024-01-10 00:00:00", "1"),
    ("erin", "", "2024-01-15 00:00:00", ""),
]

EVENTS = [
    # event_id, contact_id, anonymous_id, event_type, occurred_at, channel, properties
    # alice: visitor -> researcher -> buyer -> reviewer, engaged on every channel
    ("ev_a1", "alice", "anon_a", "page_view", "2024-03-01 09:00:00", "web", '{"url": "/"}'),
    ("ev_a6", "alice", "", "product_view", "2024-03-03 10:00:00", "web", '{"product_id": "p1"}'),
    ("ev_a7", "alice", "", "add_to_cart", "2024-03-05 10:30:00", "web", ""),
    ("ev_a8", "alice", "", "checkout_started", "2024-03-05 10:45:00", "web", ""),
    ("ev_a12", "alice", "", "mystery_event", "2024-03-15 12:00:00", "web", ""),
    ("ev_a2", "alice", "", "email_delivered", "2024-03-20 08:00:00", "email", '{"campaign_id": "c1"}'),
    ("ev_a3", "alice", "", "email_open", "2024-03-20 09:00:00", "email", '{"campaign_id": "c1"}'),
    ("ev_a5", "alice", "", "content_download", "2024-03-24 11:00:00", "web", '{"content_id": "guide"}'),
    ("ev_a4", "alice", "", "email_click", "2024-03-25 10:00:00", "email", '{"campaign_id": "c1"}'),
    ("ev_a11", "alice", "", "review_submitted", "2024-03-28 18:00:00", "web", ""),
    ("ev_a9", "alice", "", "app_session", "2024-03-30 20:00:00", "app", ""),
    # 23:00 UTC on the as-of date, written with a +02:00 offset
    ("ev_a10", "alice", "", "social_engagement", "2024-04-01T01:00:00+02:00", "social", ""),
    # bob: a cart abandoned (order 25 h later), a checkout rescued (order 23 h later), a bounce
    ("ev_b1", "bob", "", "add_to_cart", "2024-03-10 20:00:00", "web", ""),
    ("ev_b2", "bob", "", "email_bounce", "2024-03-12 08:00:00", "email", ""),
    ("ev_b3", "bob", "", "checkout_started", "2024-03-14 09:00:00", "web", ""),
    # carol: an anonymous visitor, identified on 2024-03-10 by a form submit
    ("ev_c0", "", "anon_c", "page_view", "2024-03-08 14:00:00", "web", ""),
    ("ev_c0b", "", "anon_c", "product_view", "2024-03-08 14:05:00", "web", ""),
    ("ev_c1", "carol", "anon_c", "form_submit", "2024-03-10 09:00:00", "web", ""),
    ("ev_c2", "", "anon_c", "page_view", "2024-03-12 10:00:00", "web", ""),
    # dave: unsubscribed; later seen on carol's device (first link wins: anon_c stays carol's)
    ("ev_d1", "dave", "", "email_delivered", "2024-03-01 08:00:00", "email", ""),
    ("ev_d2", "dave", "", "unsubscribe", "2024-03-02 08:00:00", "email", ""),
    ("ev_d5", "dave", "anon_c", "page_view", "2024-03-15 10:00:00", "web", ""),
    # the same event_id twice at the same instant: the lower raw text (channel email) wins
    ("ev_d3", "dave", "", "email_open", "2024-03-16 10:00:00", "web", ""),
    ("ev_d3", "dave", "", "email_open", "2024-03-16 10:00:00", "email", ""),
    # a cart on the as-of date with no order (by then)
    ("ev_d4", "dave", "", "add_to_cart", "2024-03-31 10:00:00", "web", ""),
    # a visitor never identified
    ("ev_x1", "", "anon_x", "page_view", "2024-03-20 10:00:00", "web", ""),
]

ORDERS = [
    # order_id, contact_id, ordered_at, order_total, discount_total, currency, status, shipping_method, product_tier
    ("ord_a1", "alice", "2024-03-05 11:00:00", "100.00", "10", "usd", "completed", "express", "premium"),
    ("ord_a2", "alice", "2024-03-05 15:00:00", "50.00", "", "USD", "completed", "standard", "standard"),
    ("ord_a3", "alice", "2024-03-20 12:00:00", "30.00", "", "USD", "refunded", "standard", "standard"),
    ("ord_a4", "alice", "2024-03-25 09:00:00", "40.00", "0", "USD", "Completed", "standard", "standard"),
    ("ord_b1", "bob", "2024-03-11 21:00:00", "20.00", "", "USD", "completed", "standard", "budget"),
    ("ord_b2", "bob", "2024-03-15 08:00:00", "15.00", "", "USD", "completed", "standard", "budget"),
    # zed exists only in orders
    ("ord_z1", "zed", "2024-03-30 10:00:00", "12.50", "", "USD", "completed", "pickup", "budget"),
    ("ord_z2", "zed", "2024-03-30 16:00:00", "7.50", "", "USD", "cancelled", "pickup", "budget"),
]

# Rows dated after the as-of date (scenario e). None of them may change a fact.
LATER_CONTACTS = [
    ("late", "late@example.com", "2024-04-05 00:00:00", "true"),
]
LATER_EVENTS = [
    ("ev_l1", "alice", "", "page_view", "2024-04-01 00:00:00", "web", ""),
    ("ev_l2", "alice", "", "email_bounce", "2024-04-02 08:00:00", "email", ""),
    ("ev_l3", "bob", "", "unsubscribe", "2024-04-03 08:00:00", "email", ""),
    # anon_x identified as erin only after the as-of date: ev_x1 stays anonymous
    ("ev_l4", "erin", "anon_x", "form_submit", "2024-04-02 10:00:00", "web", ""),
    # anon_c seen with bob only after the as-of date
    ("ev_l5", "bob", "anon_c", "page_view", "2024-04-02 11:00:00", "web", ""),
    ("ev_l6", "", "anon_c", "content_download", "2024-04-02 12:00:00", "web", ""),
    ("ev_l7", "late", "", "page_view", "2024-04-06 10:00:00", "web", ""),
    ("ev_l8", "carol", "", "mystery_event", "2024-04-01T00:30:00+00:00", "web", ""),
    # a later copy of an existing event id: the earliest occurrence still wins
    ("ev_a1", "alice", "anon_a", "email_click", "2024-04-05 09:00:00", "email", ""),
]
LATER_ORDERS = [
    ("ord_l1", "alice", "2024-04-01 00:00:00", "999.00", "", "USD", "completed", "express", "premium"),
    ("ord_l2", "bob", "2024-04-02 10:00:00", "20.00", "", "USD", "refunded", "standard", "budget"),
    # would rescue dave's as-of-day cart, but only after the as-of date
    ("ord_l3", "dave", "2024-04-01 08:00:00", "60.00", "", "USD", "completed", "standard", "standard"),
    ("ord_l4", "zed", "2024-04-10 10:00:00", "5.00", "", "USD", "completed", "pickup", "budget"),
    ("ord_l5", "late_buyer", "2024-04-03 10:00:00", "5.00", "", "USD", "completed", "pickup", "budget"),
    ("ord_l6", "carol", "2024-04-01 00:00:00", "70.00", "", "USD", "completed", "standard", "standard"),
]


def write_shop(raw: Path, reverse: bool = False, later: bool = False) -> Path:
    def rows(base, extra):
        out = list(base) + (list(extra) if later else [])
        return out[::-1] if reverse else out

    write_raw(raw, "contacts", rows(CONTACTS, LATER_CONTACTS))
    write_raw(raw, "events", rows(EVENTS, LATER_EVENTS))
    write_raw(raw, "orders", rows(ORDERS, LATER_ORDERS))
    return raw


@pytest.fixture(scope="module")
def shop_build(tmp_path_factory) -> Build:
    base = tmp_path_factory.mktemp("shop")
    build = build_on(write_shop(base / "raw"), base / "work", vars={"as_of_date": AS_OF}, args=SPINE)
    assert_ok(build)
    return build


@pytest.fixture(scope="module")
def shop(shop_build) -> dict[str, dict]:
    return shop_build.by_key(FACTS)


def test_shop_contacts_and_crm_flag(shop):
    assert sorted(shop) == ["alice", "bob", "carol", "dave", "erin", "zed"]
    assert {key for key, row in shop.items() if not row["is_in_crm"]} == {"zed"}
    assert shop["zed"]["email_sha256"] is None
    assert shop["zed"]["contact_created_at"] is None
    assert shop["alice"]["email_sha256"] == hashlib.sha256(b"alice@example.com").hexdigest()
    assert shop["alice"]["contact_created_at"] == ts("2024-01-05 10:00:00")
    assert {row["as_of_date"] for row in shop.values()} == {date(2024, 3, 31)}


def test_shop_reachability(shop):
    # contact: (email_opt_in, has_unsubscribed, has_bounced, is_reachable)
    assert {key: (r["email_opt_in"], r["has_unsubscribed"], r["has_bounced"], r["is_reachable"]) for key, r in shop.items()} == {
        "alice": (True, False, False, True),
        "bob": (True, False, True, False),
        "carol": (False, False, False, False),
        "dave": (True, True, False, False),
        "erin": (None, False, False, False),
        "zed": (None, False, False, False),
    }


def test_shop_purchase_summary(shop):
    cols = [
        "order_count", "purchase_days", "repeat_purchase_days", "first_purchase_date", "last_purchase_date",
        "days_first_to_last_purchase", "days_since_first_purchase", "days_since_last_purchase", "net_revenue",
        "refunded_revenue", "refunded_order_count", "cancelled_order_count", "avg_repeat_purchase_value",
    ]
    expected = {
        # two completed orders on 03-05 are one purchase day; the 03-20 refund is no purchase
        "alice": (3, 2, 1, date(2024, 3, 5), date(2024, 3, 25), 20, 26, 6, Decimal("190.00"), Decimal("30.00"), 1, 0, 40.0),
        "bob": (2, 2, 1, date(2024, 3, 11), date(2024, 3, 15), 4, 20, 16, Decimal("35.00"), Decimal("0.00"), 0, 0, 15.0),
        "carol": (0, 0, 0, None, None, None, None, None, Decimal("0.00"), Decimal("0.00"), 0, 0, 0.0),
        "dave": (0, 0, 0, None, None, None, None, None, Decimal("0.00"), Decimal("0.00"), 0, 0, 0.0),
        "erin": (0, 0, 0, None, None, None, None, None, Decimal("0.00"), Decimal("0.00"), 0, 0, 0.0),
        "zed": (1, 1, 0, date(2024, 3, 30), date(2024, 3, 30), 0, 1, 1, Decimal("12.50"), Decimal("0.00"), 0, 1, 0.0),
    }
    assert {key: tuple(row[c] for c in cols) for key, row in shop.items()} == expected
    alice = shop["alice"]
    assert alice["first_purchase_at"] == ts("2024-03-05 11:00:00")
    assert alice["last_purchase_at"] == ts("2024-03-25 09:00:00")
    assert alice["discounted_order_share"] == pytest.approx(1 / 3)
    assert alice["premium_order_share"] == pytest.approx(1 / 3)
    assert alice["convenience_order_share"] == pytest.approx(1 / 3)
    assert shop["zed"]["convenience_order_share"] == 1.0
    assert shop["erin"]["avg_order_value"] is None


def test_shop_engagement_windows_per_channel(shop):
    cols = [
        f"{prefix}_{window}"
        for window in ("short", "medium", "long")
        for prefix in ("engagement_events", "email_engagement_events", "web_engagement_events",
                       "app_engagement_events", "social_engagement_events", "email_sends")
    ]
    # per window: total, email, web, app, social, email sends
    # since issue 9 every event type with an event_taxonomy weight above 0 is an engagement (product_view,
    # review_submitted and app_session included), and so is every completed order (order_completed, weight 5);
    # an order has no channel, so it counts in the total only
    expected = {
        # short (03-25..03-31): click 03-25, order 03-25, review 03-28, app 03-30, social 03-31 23:00 UTC
        # medium (03-02..): + product view 03-03, two orders 03-05, open 03-20, download 03-24;
        # long: + visit 03-01 (the 03-20 refund and the mystery event do not count)
        "alice": (5, 1, 1, 1, 1, 0, 10, 2, 3, 1, 1, 1, 11, 2, 4, 1, 1, 1),
        # two completed orders, 03-11 and 03-15 (cart, checkout and bounce weigh 0)
        "bob": (0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0),
        # stitched anonymous visits and product view before and after identification + the form submit
        "carol": (0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 4, 0, 4, 0, 0, 0),
        "dave": (0, 0, 0, 0, 0, 0, 2, 1, 1, 0, 0, 0, 2, 1, 1, 0, 0, 1),
        "erin": (0,) * 18,
        # one completed order 03-30 (the cancelled one is no purchase)
        "zed": (1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    }
    assert {key: tuple(row[c] for c in cols) for key, row in shop.items()} == expected
    alice = shop["alice"]
    assert alice["usage_events_short"] == 1 and alice["usage_active_days_short"] == 1
    assert alice["email_opens"] == 1 and alice["email_clicks"] == 1
    assert alice["email_sends_since_last_engagement"] == 0
    assert alice["last_engagement_at"] == ts("2024-03-31 23:00:00")
    assert alice["days_since_last_engagement"] == 0
    # weights: page_view 1, email_open 1, email_click 3, content_download 5, social 2;
    # since issue 9 also product_view 1, review_submitted 5, app_session 1 and each completed order 5;
    # half-life 30 days
    expected_score = (1 * 0.5 ** (30 / 30) + 1 * 0.5 ** (11 / 30) + 3 * 0.5 ** (6 / 30) + 5 * 0.5 ** (7 / 30) + 2
                      + 1 * 0.5 ** (28 / 30) + 5 * 0.5 ** (3 / 30) + 1 * 0.5 ** (1 / 30)
                      + 2 * 5 * 0.5 ** (26 / 30) + 5 * 0.5 ** (6 / 30))
    assert alice["engagement_score"] == pytest.approx(expected_score, rel=1e-9)
    assert shop["zed"]["engagement_score"] == pytest.approx(5 * 0.5 ** (1 / 30), rel=1e-9)
    assert shop["erin"]["engagement_score"] == 0.0
    assert shop["dave"]["email_opens"] == 1
    assert shop["dave"]["days_since_last_engagement"] == 15


def test_shop_activity_lifecycle(shop):
    alice = shop["alice"]
    assert alice["first_activity_date"] == date(2024, 3, 1)
    assert alice["last_activity_date"] == date(2024, 3, 31)
    # active days 03-03, 03-05, 03-15, 03-20, 03-24, 03-25, 03-28, 03-30, 03-31 | 03-01
    assert (alice["active_days_current_period"], alice["active_days_previous_period"]) == (9, 1)
    # deliverability events (sends, unsubscribes) are not activity
    assert shop["dave"]["first_activity_date"] == date(2024, 3, 15)
    assert shop["erin"]["first_activity_date"] is None
    assert shop["zed"]["days_since_last_activity"] == 1


def test_shop_journey_milestones_and_carts(shop):
    cols = [
        "first_visit_at", "last_visit_at", "first_lead_at", "first_cart_at", "last_cart_at",
        "first_checkout_at", "cart_days", "abandoned_cart_days", "last_abandoned_cart_at",
        "max_event_journey_stage_rank",
    ]
    t = ts
    expected = {
        # cart and checkout at 10:30/10:45, orders at 11:00 and 15:00 the same day: not abandoned
        "alice": (t("2024-03-01 09:00:00"), t("2024-03-01 09:00:00"), t("2024-03-24 11:00:00"),
                  t("2024-03-05 10:30:00"), t("2024-03-05 10:30:00"), t("2024-03-05 10:45:00"), 1, 0, None, 3),
        # cart 03-10 20:00, order 25 h later: abandoned; checkout 03-14 09:00, order 23 h later: not
        "bob": (None, None, None, t("2024-03-10 20:00:00"), t("2024-03-10 20:00:00"), t("2024-03-14 09:00:00"),
                2, 1, t("2024-03-10 20:00:00"), 3),
        # the anonymous visit before identification is carol's first visit
        "carol": (t("2024-03-08 14:00:00"), t("2024-03-12 10:00:00"), t("2024-03-10 09:00:00"),
                  None, None, None, 0, 0, None, 2),
        "dave": (t("2024-03-15 10:00:00"), t("2024-03-15 10:00:00"), None, t("2024-03-31 10:00:00"),
                 t("2024-03-31 10:00:00"), None, 1, 1, t("2024-03-31 10:00:00"), 3),
        "erin": (None, None, None, None, None, None, 0, 0, None, None),
        "zed": (None, None, None, None, None, None, 0, 0, None, None),
    }
    assert {key: tuple(row[c] for c in cols) for key, row in shop.items()} == expected


def test_shop_research_advocacy_unknown(shop):
    cols = ["research_events", "research_events_before_first_purchase", "visits_before_first_purchase",
            "content_downloads", "form_submits", "review_count", "referral_count", "unknown_events"]
    assert {key: tuple(row[c] for c in cols) for key, row in shop.items()} == {
        # research: view 03-03 and download 03-24; before the first purchase (03-05) only the view;
        # visits in the 7 days before: the visit 03-01 and the view 03-03
        "alice": (2, 1, 2, 1, 0, 1, 0, 1),
        "bob": (0, 0, 0, 0, 0, 0, 0, 0),
        # never purchased: the before-first-purchase facts are null
        "carol": (1, None, None, 0, 1, 0, 0, 0),
        "dave": (0, None, None, 0, 0, 0, 0, 0),
        "erin": (0, None, None, 0, 0, 0, 0, 0),
        "zed": (0, 0, 0, 0, 0, 0, 0, 0),
    }


def test_shop_identity_stitching(shop_build):
    identity = shop_build.by_key("main_intermediate.int_identity_map", key="anonymous_id")
    assert {key: (r["contact_id"], r["candidate_contacts"], r["has_conflicting_links"]) for key, r in identity.items()} == {
        "anon_a": ("alice", 1, False),
        "anon_c": ("carol", 2, True),
    }
    stitched = shop_build.by_key("main_intermediate.int_events_stitched", key="event_id")
    assert {e: (stitched[e]["contact_id"], stitched[e]["is_stitched"]) for e in ("ev_c0", "ev_c0b", "ev_c2", "ev_d5", "ev_x1")} == {
        "ev_c0": ("carol", True),
        "ev_c0b": ("carol", True),
        "ev_c2": ("carol", True),
        "ev_d5": ("dave", False),
        "ev_x1": (None, False),
    }
    # the duplicate ev_d3 kept the copy with the lower raw text
    assert stitched["ev_d3"]["channel"] == "email"


def test_shop_staging_and_accounting(shop_build):
    assert accounting(shop_build) == {
        "contacts": (5, 5, 0, 0),
        "events": (26, 25, 1, 0),
        "orders": (8, 8, 0, 0),
    }
    orders = shop_build.by_key("main_staging.stg_raw__orders", key="order_id")
    assert orders["ord_a1"]["currency"] == "USD"
    assert orders["ord_a4"]["status"] == "completed"
    assert orders["ord_a2"]["discount_total"] == Decimal("0.00")
    events = shop_build.by_key("main_staging.stg_raw__events", key="event_id")
    assert events["ev_a10"]["occurred_at"] == ts("2024-03-31 23:00:00")
    assert events["ev_a10"]["occurred_date"] == date(2024, 3, 31)


# --------------------------------------------------------------------------
# (c) only orders.csv present
# --------------------------------------------------------------------------


def test_orders_only_folder_builds(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw, "orders", [
        ("o1", "c1", "2024-05-01 10:00:00", "10.00", "", "USD", "completed", "express", "premium"),
        ("o2", "c1", "2024-05-03 10:00:00", "20.00", "5", "USD", "completed", "standard", "standard"),
        ("o3", "c2", "2024-05-02 10:00:00", "30.00", "", "USD", "refunded", "standard", "standard"),
    ])
    assert sorted(p.name for p in raw.iterdir()) == ["orders.csv"]
    build = build_on(raw, tmp_path / "work", args=SPINE_CHECKED)  # as_of_date null: the latest data date
    assert_ok(build)
    assert accounting(build) == {
        "contacts": (0, 0, 0, 0),
        "events": (0, 0, 0, 0),
        "orders": (3, 3, 0, 0),
    }
    facts = build.by_key(FACTS)
    assert sorted(facts) == ["c1", "c2"]
    c1, c2 = facts["c1"], facts["c2"]
    assert c1["as_of_date"] == date(2024, 5, 3)
    assert not c1["is_in_crm"] and not c2["is_in_crm"]
    assert (c1["purchase_days"], c1["repeat_purchase_days"], c1["net_revenue"], c1["avg_repeat_purchase_value"]) == (
        2, 1, Decimal("30.00"), 20.0)
    assert (c1["days_first_to_last_purchase"], c1["days_since_first_purchase"], c1["days_since_last_purchase"]) == (2, 2, 0)
    assert c1["discounted_order_share"] == 0.5
    assert (c2["purchase_days"], c2["net_revenue"], c2["refunded_revenue"], c2["refunded_order_count"]) == (
        0, Decimal("0.00"), Decimal("30.00"), 1)
    # since issue 9 a completed order counts as an engagement (order_completed, weight 5, half-life 30 days):
    # c1's two orders do, c2's refunded order does not
    assert c1["engagement_events_long"] == 2
    assert c1["engagement_score"] == pytest.approx(5 * 0.5 ** (2 / 30) + 5, rel=1e-9)
    assert c2["engagement_events_long"] == 0 and c2["engagement_score"] == 0.0
    for row in facts.values():
        assert row["is_reachable"] is False and row["unknown_events"] == 0


# --------------------------------------------------------------------------
# (d) deliberately bad rows
# --------------------------------------------------------------------------


def test_bad_rows_quarantined_and_accounted(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [
        ("", "nobody@example.com", "2024-01-01", "true"),        # missing_contact_id
        ("k1", "k1@example.com", "not a date", "true"),          # invalid_timestamp
        ("k2", "k2@example.com", "1969-05-01 00:00:00", "true"),  # implausible_timestamp
        ("k3", "k3@example.com", "2150-01-01 00:00:00", "true"),  # implausible_timestamp
        ("k5", "k5@example.com", "2024-01-01", "maybe"),          # invalid_boolean
        ("k4", "k4@example.com", "2024-01-02 00:00:00", "true"),  # good (later copy below)
        ("k4", "k4-old@example.com", "2024-01-01 00:00:00", "no"),  # same id, earlier: kept
    ])
    write_raw(raw, "events", [
        ("ev1", "k4", "", "page_view", "2024-03-01 10:00:00", "web", ""),
        ("ev1", "k4", "", "page_view", "2024-03-01 10:00:00", "web", ""),       # exact duplicate
        ("ev2", "k4", "", "page_view", "2024-03-02 10:00:00", "web", ""),
        ("ev2", "k4", "", "email_open", "2024-03-02 09:00:00", "email", ""),    # same id, other payload, earlier: kept
        ("ev9", "k4", "", "hologram_call", "2024-03-03 10:00:00", "web", ""),   # unknown type: kept
        ("", "k4", "", "page_view", "2024-03-01 10:00:00", "web", ""),          # missing_event_id
        ("ev3", "", "", "page_view", "2024-03-01 10:00:00", "web", ""),         # missing_identity
        ("ev4", "k4", "", "", "2024-03-01 10:00:00", "web", ""),                # missing_event_type
        ("ev5", "k4", "", "page_view", "", "web", ""),                          # missing_timestamp
        ("ev6", "k4", "", "page_view", "yesterday at noon", "web", ""),         # invalid_timestamp
        ("ev7", "k4", "", "page_view", "1969-01-01 10:00:00", "web", ""),       # implausible_timestamp
        ("ev8", "k4", "", "page_view", "2150-01-01 10:00:00", "web", ""),       # implausible_timestamp
    ])
    write_raw(raw, "orders", [
        ("o1", "k4", "2024-03-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),
        ("o1", "k4", "2024-03-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),  # duplicate
        ("", "k4", "2024-03-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),    # missing_order_id
        ("o2", "", "2024-03-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),    # missing_contact_id
        ("o3", "k4", "", "10.00", "", "USD", "completed", "standard", "standard"),                      # missing_timestamp
        ("o4", "k4", "garbage", "10.00", "", "USD", "completed", "standard", "standard"),               # invalid_timestamp
        ("o5", "k4", "1969-01-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),   # implausible
        ("o6", "k4", "2150-01-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),   # implausible
        ("o7", "k4", "2024-03-01 10:00:00", "-5.00", "", "USD", "completed", "standard", "standard"),   # negative_amount
        ("o8", "k4", "2024-03-01 10:00:00", "abc", "", "USD", "completed", "standard", "standard"),     # invalid_amount
        ("o9", "k4", "2024-03-01 10:00:00", "10.00", "-1", "USD", "completed", "standard", "standard"), # negative_amount
        ("o10", "k4", "2024-03-01 10:00:00", "10.00", "", "USD", "lost", "standard", "standard"),       # unknown_status
        ("o11", "k4", "2024-03-01 10:00:00", "10.00", "", "USD", "", "standard", "standard"),           # unknown_status
    ])
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=SPINE_CHECKED)
    assert_ok(build)

    quarantined = sorted(
        (row["source_table"], row["record_key"] or "", row["rejection_reason"])
        for row in build.table(QUARANTINE)
    )
    assert quarantined == sorted([
        ("contacts", "", "missing_contact_id"),
        ("contacts", "k1", "invalid_timestamp"),
        ("contacts", "k2", "implausible_timestamp"),
        ("contacts", "k3", "implausible_timestamp"),
        ("contacts", "k5", "invalid_boolean"),
        ("events", "", "missing_event_id"),
        ("events", "ev3", "missing_identity"),
        ("events", "ev4", "missing_event_type"),
        ("events", "ev5", "missing_timestamp"),
        ("events", "ev6", "invalid_timestamp"),
        ("events", "ev7", "implausible_timestamp"),
        ("events", "ev8", "implausible_timestamp"),
        ("orders", "", "missing_order_id"),
        ("orders", "o2", "missing_contact_id"),
        ("orders", "o3", "missing_timestamp"),
        ("orders", "o4", "invalid_timestamp"),
        ("orders", "o5", "implausible_timestamp"),
        ("orders", "o6", "implausible_timestamp"),
        ("orders", "o7", "negative_amount"),
        ("orders", "o8", "invalid_amount"),
        ("orders", "o9", "negative_amount"),
        ("orders", "o10", "unknown_status"),
        ("orders", "o11", "unknown_status"),
    ])
    # the raw row is kept, as text
    raw_records = {row["record_key"]: row["raw_record"] for row in build.table(QUARANTINE) if row["record_key"]}
    assert "ordered_at=garbage" in raw_records["o4"]
    assert "occurred_at=yesterday at noon" in raw_records["ev6"]

    assert accounting(build) == {
        # read, staged, duplicates removed, quarantined
        "contacts": (7, 1, 1, 5),
        "events": (12, 3, 2, 7),
        "orders": (13, 1, 1, 11),
    }

    events = build.by_key("main_staging.stg_raw__events", key="event_id")
    assert sorted(events) == ["ev1", "ev2", "ev9"]
    assert (events["ev2"]["event_type"], events["ev2"]["occurred_at"]) == ("email_open", ts("2024-03-02 09:00:00"))
    assert events["ev9"]["event_type"] == "hologram_call"
    contacts = build.by_key("main_staging.stg_raw__contacts")
    assert list(contacts) == ["k4"]
    assert (contacts["k4"]["email"], contacts["k4"]["email_opt_in"]) == ("k4-old@example.com", False)

    facts = build.by_key(FACTS)
    assert sorted(facts) == ["k4"]
    k4 = facts["k4"]
    # engagements: the visit ev1, the open ev2 and, since issue 9, the completed order o1
    assert (k4["unknown_events"], k4["email_opens"], k4["engagement_events_long"]) == (1, 1, 3)
    assert (k4["order_count"], k4["net_revenue"]) == (1, Decimal("10.00"))


# --------------------------------------------------------------------------
# (e) point in time and (f) determinism
# --------------------------------------------------------------------------


def fact_rows(build: Build) -> list[dict]:
    return build.table(FACTS, order_by="contact_id")


def test_rows_after_as_of_date_change_nothing(shop_build, tmp_path):
    later = build_on(write_shop(tmp_path / "raw", later=True), tmp_path / "work", vars={"as_of_date": AS_OF}, args=SPINE_MODELS)
    assert_ok(later)
    # the later rows did arrive ...
    staged = later.by_key("main_staging.stg_raw__orders", key="order_id")
    assert "ord_l1" in staged and "late_buyer" in {r["contact_id"] for r in staged.values()}
    # ... and change no fact, no contact and no identity link
    baseline_rows, later_rows = fact_rows(shop_build), fact_rows(later)
    assert [r["contact_id"] for r in later_rows] == [r["contact_id"] for r in baseline_rows]
    for before, after in zip(baseline_rows, later_rows):
        assert after == before, before["contact_id"]
    identity = "main_intermediate.int_identity_map"
    assert later.table(identity, order_by="anonymous_id") == shop_build.table(identity, order_by="anonymous_id")


def test_second_build_is_identical(shop_build, tmp_path, monkeypatch):
    # Same data, rows written in reverse order, built on one thread.
    monkeypatch.setenv("DBT_THREADS", "1")
    again = build_on(write_shop(tmp_path / "raw", reverse=True), tmp_path / "work", vars={"as_of_date": AS_OF}, args=SPINE_MODELS)
    assert_ok(again)
    assert fact_rows(again) == fact_rows(shop_build)
    for relation, key in [
        ("main_intermediate.int_contact_daily_activity", "contact_id, activity_date"),
        ("main_intermediate.int_identity_map", "anonymous_id"),
        ("main_staging.stg_raw__events", "event_id"),
        ("main_staging.stg_raw__contacts", "contact_id"),
    ]:
        assert again.table(relation, order_by=key) == shop_build.table(relation, order_by=key), relation


# --------------------------------------------------------------------------
# (g) bad vars
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, value",
    [
        ("as_of_date", "yesterday"),
        ("as_of_date", "2024-02-30"),
        ("fact_window_short_days", -3),
        ("engagement_half_life_days", "abc"),
        ("convenience_shipping_methods", "express"),
    ],
)
def test_bad_var_fails_naming_the_var(tmp_path, name, value):
    build = run_dbt(["compile", "--select", "fct_contact_behavior"], tmp_path / "warehouse.duckdb", vars={name: value})
    assert not build.ok
    messages = [str(build.result.exception or "")]
    res = build.result.result
    if res is not None and hasattr(res, "results"):
        messages += [str(r.message or "") for r in res.results]
    text = "\n".join(messages)
    assert f"Invalid var '{name}'" in text, text
