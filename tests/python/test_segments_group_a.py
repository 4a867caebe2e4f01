"""End-to-end: RFM, purchase behavior, usage rate, engagement level and
loyalty status on a small hand-written raw dataset of named personas.

The clock is fixed (as_of_date 2024-06-30). With 8 buyers and 5 app users
the shop is below quantile_min_population (20): RFM, high spender and usage
rate use their fixed thresholds. The medium fact window (usage
rate default) covers 2024-06-01 .. 06-30; the engagement score halves every
30 days (one email open today = 1 point, a click = 3, a page view = 1).

Personas and what makes them:
  deal_seeker       three monthly orders (Apr-Jun), all with a discount; five
                    app sessions in June; an email open five days ago.
  high_spender      two 1000.00 orders a month apart (8 buyers, fewer than
                    quantile_min_population: net revenue >= 1000, the fixed
                    threshold); ten app sessions; two email clicks today.
  researcher        six product views in the weeks before a single order on
                    2024-05-10; three app sessions; never engaged.
  impulse_buyer     a page view and an order an hour later, ten days ago.
  cart_abandoner    never bought; added to cart three days ago.
  heavy_app_user    an app session every day of June; no opt-in.
  light_app_user    one app session in June; opt-in unknown.
  unsubscribed      opened emails in April, unsubscribed on 2024-05-01.
  engaged_prospect  never bought; ten email clicks today.
  quiet_subscriber  last opened an email 121 days ago; still receives sends.
  lapsed_loyal      five monthly orders June-October 2023 and a review,
                    nothing since (259 days, own gap 30.5 days).
  loyal_advocate    five purchase days 20 days apart, the last ten days ago,
                    and a review.
  loyal_regular     four purchase days two weeks apart, the last today.
  repeat_lapsing    two orders 100 days apart, the last 130 days ago: within
                    1.5 x its gap (150), beyond 1.2 x (120).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dbt_harness import Build, build_on, write_raw

AS_OF = "2024-06-30"
AS_OF_DATE = date.fromisoformat(AS_OF)
TYPES = ["rfm", "purchase_behavior", "usage_rate", "engagement_level", "loyalty_status"]
SEG_MODELS = [f"seg_{t}" for t in TYPES]
BUILD = (
    "build", "--select", *[f"+{model}" for model in SEG_MODELS], "segment_definitions",
    "assert_rfm_segment_map_is_partition", "--indirect-selection", "cautious",
)


def days_ago(days: int, time: str = "10:00:00") -> str:
    return f"{AS_OF_DATE - timedelta(days=days)} {time}"


CONTACTS = [
    # contact_id, email, created_at, email_opt_in
    ("deal_seeker", "deal@example.com", "2023-01-01 09:00:00", "true"),
    ("high_spender", "high@example.com", "2023-01-01 09:00:00", "true"),
    ("researcher", "research@example.com", "2023-01-01 09:00:00", "true"),
    ("impulse_buyer", "impulse@example.com", "2023-01-01 09:00:00", "true"),
    ("cart_abandoner", "cart@example.com", "2023-01-01 09:00:00", "true"),
    ("heavy_app_user", "heavy@example.com", "2023-01-01 09:00:00", "false"),
    ("light_app_user", "light@example.com", "2023-01-01 09:00:00", None),
    ("unsubscribed", "unsub@example.com", "2023-01-01 09:00:00", "true"),
    ("engaged_prospect", "prospect@example.com", "2023-01-01 09:00:00", "true"),
    ("quiet_subscriber", "quiet@example.com", "2023-01-01 09:00:00", "true"),
    ("lapsed_loyal", "lapsed@example.com", "2023-01-01 09:00:00", "true"),
    ("loyal_advocate", "advocate@example.com", "2023-01-01 09:00:00", "true"),
    ("loyal_regular", "regular@example.com", "2023-01-01 09:00:00", "true"),
    ("repeat_lapsing", "lapsing@example.com", "2023-01-01 09:00:00", "false"),
]


def _events() -> list[tuple]:
    rows: list[tuple] = []

    def add(contact: str, event_type: str, occurred_at: str, channel: str) -> None:
        rows.append((f"e{len(rows) + 1:03d}", contact, None, event_type, occurred_at, channel, None))

    add("deal_seeker", "page_view", "2024-04-01 10:00:00", "web")
    add("deal_seeker", "page_view", "2024-04-05 10:00:00", "web")
    add("deal_seeker", "product_view", "2024-04-05 10:05:00", "web")
    add("deal_seeker", "product_view", "2024-04-05 10:10:00", "web")
    add("deal_seeker", "email_open", "2024-06-25 08:00:00", "email")
    for day in range(20, 25):
        add("deal_seeker", "app_session", f"2024-06-{day} 20:00:00", "app")

    add("high_spender", "page_view", "2024-04-28 10:00:00", "web")
    for day in range(10, 20):
        add("high_spender", "app_session", f"2024-06-{day} 20:00:00", "app")
    add("high_spender", "email_click", days_ago(0, "07:00:00"), "email")
    add("high_spender", "email_click", days_ago(0, "07:30:00"), "email")

    for day in range(1, 7):
        add("researcher", "product_view", f"2024-04-{day * 5:02d} 12:00:00", "web")
    for day in range(25, 28):
        add("researcher", "app_session", f"2024-06-{day} 20:00:00", "app")

    add("impulse_buyer", "page_view", days_ago(10, "08:00:00"), "web")

    add("cart_abandoner", "page_view", days_ago(3, "10:00:00"), "web")
    add("cart_abandoner", "add_to_cart", days_ago(3, "10:05:00"), "web")

    for day in range(1, 31):
        add("heavy_app_user", "app_session", f"2024-06-{day:02d} 07:00:00", "app")
    add("light_app_user", "app_session", "2024-06-15 07:00:00", "app")

    for day in (1, 8, 15, 20):
        add("unsubscribed", "email_open", f"2024-04-{day:02d} 09:00:00", "email")
    add("unsubscribed", "unsubscribe", "2024-05-01 09:00:00", "email")

    for minute in range(10):
        add("engaged_prospect", "email_click", days_ago(0, f"06:{minute:02d}:00"), "email")

    add("quiet_subscriber", "email_open", "2024-03-01 09:00:00", "email")
    for day in ("2024-05-06", "2024-05-20", "2024-06-03", "2024-06-17"):
        add("quiet_subscriber", "email_delivered", f"{day} 06:00:00", "email")

    add("lapsed_loyal", "review_submitted", "2023-09-20 18:00:00", "web")
    add("loyal_advocate", "review_submitted", "2024-05-15 18:00:00", "web")
    add("loyal_advocate", "email_open", days_ago(2, "08:00:00"), "email")
    add("loyal_advocate", "email_open", days_ago(2, "08:30:00"), "email")
    return rows


def _order(order_id, contact_id, ordered_at, total="50.00", discount=""):
    return (order_id, contact_id, ordered_at, total, discount, "USD", "completed", "standard", "standard")


ORDERS = [
    _order("o01", "deal_seeker", "2024-04-10 11:00:00", discount="10.00"),
    _order("o02", "deal_seeker", "2024-05-10 11:00:00", discount="10.00"),
    _order("o03", "deal_seeker", "2024-06-10 11:00:00", discount="10.00"),
    _order("o04", "high_spender", "2024-05-01 11:00:00", total="1000.00"),
    _order("o05", "high_spender", "2024-06-01 11:00:00", total="1000.00"),
    _order("o06", "researcher", "2024-05-10 11:00:00", total="80.00"),
    _order("o07", "impulse_buyer", days_ago(10, "09:00:00"), total="30.00"),
    *[_order(f"o1{i}", "lapsed_loyal", f"2023-{month:02d}-15 11:00:00", total="60.00")
      for i, month in enumerate(range(6, 11))],
    *[_order(f"o2{i}", "loyal_advocate", days_ago(10 + 20 * i), total="40.00") for i in range(5)],
    *[_order(f"o3{i}", "loyal_regular", days_ago(14 * i, "09:00:00"), total="25.00") for i in range(4)],
    _order("o40", "repeat_lapsing", days_ago(230), total="90.00"),
    _order("o41", "repeat_lapsing", days_ago(130), total="90.00"),
]

EXPECTED = {
    # contact: (rfm, purchase_behavior, usage_rate, engagement_level, loyalty_status)
    # engagement: orders and app sessions count (issue 9, item 2): the deal
    # seeker, high spender and loyal buyers are highly engaged, the researcher
    # (product views and an order, never an email) is engaged
    "deal_seeker": ("potential_loyalist", "deal_seeker", "medium", "highly_engaged", "repeat_buyer"),
    "high_spender": ("potential_loyalist", "high_spender", "medium", "highly_engaged", "repeat_buyer"),
    "researcher": ("promising", "researcher", "light", "engaged", "first_time_buyer"),
    "impulse_buyer": ("new_customer", "impulse_buyer", "non_user", "passive", "first_time_buyer"),
    "cart_abandoner": ("no_purchase", "cart_abandoner", "non_user", "passive", "prospect"),
    "heavy_app_user": ("no_purchase", "non_buyer", "heavy", "unreachable", "prospect"),
    "light_app_user": ("no_purchase", "non_buyer", "light", "unreachable", "prospect"),
    "unsubscribed": ("no_purchase", "non_buyer", "non_user", "unreachable", "prospect"),
    "engaged_prospect": ("no_purchase", "non_buyer", "non_user", "highly_engaged", "prospect"),
    "quiet_subscriber": ("no_purchase", "non_buyer", "non_user", "unengaged", "prospect"),
    "lapsed_loyal": ("at_risk", "regular_buyer", "non_user", "unengaged", "churned"),
    "loyal_advocate": ("champion", "regular_buyer", "non_user", "highly_engaged", "advocate"),
    "loyal_regular": ("champion", "regular_buyer", "non_user", "highly_engaged", "loyal"),
    "repeat_lapsing": ("about_to_sleep", "regular_buyer", "non_user", "unreachable", "repeat_buyer"),
}


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("group_a_raw")
    write_raw(folder, "contacts", CONTACTS)
    write_raw(folder, "events", _events())
    write_raw(folder, "orders", ORDERS)
    return folder


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("group_a_work")


def _labels(build: Build) -> dict[str, dict[str, str]]:
    """{segmentation type: {contact_id: segment}} for the five models."""
    return {
        t: {row["contact_id"]: row["segment"] for row in build.table(f"main_marts.seg_{t}")}
        for t in TYPES
    }


@pytest.fixture(scope="module")
def default_build(raw_dir, work_dir) -> Build:
    build = build_on(raw_dir, work_dir, vars={"as_of_date": AS_OF}, args=BUILD)
    assert build.ok, build.failures()
    return build


@pytest.fixture(scope="module")
def default_labels(default_build) -> dict[str, dict[str, str]]:
    # Read once: the var-change test later rebuilds the segments in the same database.
    return _labels(default_build)


@pytest.fixture(scope="module")
def default_rows(default_build) -> dict[str, dict[str, dict]]:
    return {t: default_build.by_key(f"main_marts.seg_{t}") for t in TYPES}


def test_personas_get_their_labels(default_labels):
    for t in TYPES:
        assert set(default_labels[t]) == set(EXPECTED), t
    actual = {contact: tuple(default_labels[t][contact] for t in TYPES) for contact in EXPECTED}
    assert actual == EXPECTED


def test_rows_carry_type_reason_and_deciding_facts(default_rows):
    for t, rows in default_rows.items():
        assert {row["segmentation_type"] for row in rows.values()} == {t}
        assert all(row["segment_reason"] for row in rows.values()), t
        assert {str(row["as_of_date"]) for row in rows.values()} == {AS_OF}, t

    rfm = default_rows["rfm"]
    # 8 buyers, fewer than quantile_min_population (20): the fixed cut points
    # (R within 30 / 90 / 180 / 365 days, F 2 / 3 / 4 / 6 purchase days, M 100 / 250 / 500 / 1000)
    assert (rfm["loyal_regular"]["r_score"], rfm["loyal_regular"]["f_score"]) == (5, 4)
    assert rfm["high_spender"]["m_score"] == 5
    assert rfm["loyal_advocate"]["rfm_cell"] == "542"
    assert rfm["loyal_advocate"]["segment_reason"].startswith("recency 5, frequency 4 of 5: last purchase ")
    assert rfm["loyal_advocate"]["segment_reason"].endswith("; fixed thresholds: only 8 buyers, fewer than 20")
    assert rfm["loyal_advocate"]["reason_code"] == "scored_by_fixed_thresholds"
    assert rfm["repeat_lapsing"]["rfm_cell"] == "322"
    assert rfm["cart_abandoner"]["r_score"] is None
    assert (rfm["cart_abandoner"]["segment_reason"], rfm["cart_abandoner"]["reason_code"]) == (
        "no purchase yet", "no_purchase")

    behavior = default_rows["purchase_behavior"]
    assert behavior["high_spender"]["purchaser_revenue_rank"] == 1
    assert behavior["high_spender"]["purchaser_count"] == 8
    assert behavior["high_spender"]["reason_code"] == "revenue_above_fixed_threshold"
    assert behavior["high_spender"]["segment_reason"].endswith(
        " USD, at least 1,000.00; fixed threshold: only 8 buyers, fewer than 20")
    assert behavior["deal_seeker"]["discounted_order_share"] == pytest.approx(1.0)
    assert behavior["researcher"]["research_events_before_first_purchase"] == 6
    assert behavior["cart_abandoner"]["days_since_abandoned_cart"] == 3
    # no tracked visit before the first purchase: not an impulse buyer
    assert behavior["lapsed_loyal"]["reason_code"] == "purchases_without_pattern"

    usage = default_rows["usage_rate"]
    assert usage["heavy_app_user"]["usage_events_in_window"] == 30
    assert usage["heavy_app_user"]["usage_user_count"] == 5
    # 5 users, fewer than quantile_min_population: the fixed cut points (20 / 5 events)
    assert usage["heavy_app_user"]["segment_reason"] == (
        "30 app events in the last 30 days, at least 20; fixed thresholds: only 5 users, fewer than 20")
    assert usage["deal_seeker"]["reason_code"] == "medium_fixed_events"
    assert {row["usage_rate_window"] for row in usage.values()} == {"medium"}

    engagement = default_rows["engagement_level"]
    assert engagement["unsubscribed"]["reason_code"] == "unreachable_unsubscribed"
    assert engagement["heavy_app_user"]["reason_code"] == "unreachable_no_opt_in"
    assert engagement["heavy_app_user"]["segment_reason"] == "not reachable: no marketing opt-in"
    assert engagement["light_app_user"]["reason_code"] == "unreachable_opt_in_unknown"
    assert engagement["quiet_subscriber"]["reason_code"] == "no_recent_engagement"
    assert engagement["quiet_subscriber"]["segment_reason"] == "no engagement for 121 days; 4 emails unanswered"
    assert engagement["quiet_subscriber"]["days_since_last_engagement"] == 121
    # never opened an email, but the product views and the order are engagements
    assert engagement["researcher"]["reason_code"] == "score_engaged"
    assert engagement["researcher"]["days_since_last_engagement"] == 3
    # bought today, never opens email: the order is the last engagement
    assert engagement["loyal_regular"]["days_since_last_engagement"] == 0
    assert engagement["engaged_prospect"]["engagement_score"] == pytest.approx(30.0)
    assert engagement["engaged_prospect"]["segment_reason"] == "engagement score 30.0 (highly engaged from 10)"

    loyalty = default_rows["loyalty_status"]
    assert loyalty["lapsed_loyal"]["expected_gap_days"] == pytest.approx(30.5)
    assert loyalty["lapsed_loyal"]["days_since_last_purchase"] == 259
    assert loyalty["repeat_lapsing"]["expected_gap_days"] == pytest.approx(100.0)
    assert loyalty["repeat_lapsing"]["at_risk_after_days"] == pytest.approx(150.0)
    assert loyalty["researcher"]["expected_gap_days"] == pytest.approx(90.0)


def test_shorter_at_risk_multiplier_moves_only_the_expected_contacts(raw_dir, work_dir, default_labels):
    # The overdue multiplier is the shared purchase rhythm: the facts apply it
    # (purchase_overdue_after_days), so they are rebuilt with the segments.
    changed = build_on(
        raw_dir,
        work_dir,
        vars={"as_of_date": AS_OF, "rhythm_overdue_gap_multiplier": 1.2},
        args=("run", "--select", "fct_contact_behavior", *SEG_MODELS),
    )
    assert changed.ok, changed.failures()
    after = _labels(changed)
    moved = {
        (t, contact): (default_labels[t][contact], after[t][contact])
        for t in TYPES
        for contact in default_labels[t]
        if default_labels[t][contact] != after[t][contact]
    }
    # 130 days since the last purchase: within 1.5 x its 100-day gap, beyond 1.2 x:
    # overdue, so at risk in loyalty and, the same rhythm, R capped at 2 in RFM
    assert moved == {
        ("loyalty_status", "repeat_lapsing"): ("repeat_buyer", "at_risk"),
        ("rfm", "repeat_lapsing"): ("about_to_sleep", "hibernating"),
    }
    reason = changed.by_key("main_marts.seg_loyalty_status")["repeat_lapsing"]["segment_reason"]
    assert reason == "last purchase 130 days ago; buys every 100 days on average; at risk after 120 days"
