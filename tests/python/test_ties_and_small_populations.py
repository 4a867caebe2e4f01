"""Ties and small populations (issue 9, item 1), told from the marketer's side.

The rank-based rules (RFM R/F/M scores, usage rate 'quantile', high spender)
must give identical inputs identical labels, must not go silent in a small
shop (below quantile_min_population, default 20, they use fixed thresholds
and say so in the reason), and must never call a one-time buyer someone who
"bought often".

Two shops, one build each (the three segment models and what they read),
clock fixed at 2024-06-30:

  small shop  4 buyers: three who each bought the same single 20.00 order on
              the same day, and one who spent 1,200.00; 3 app users with the
              same number of sessions.
  big shop    39 buyers: 33 one-time buyers (among them three with the same
              single 20.00 order on the same day) and 6 repeat buyers; 25 app
              users, four of them with exactly 20 sessions, at the edge of
              the top 20%.

Each story failed on the code before this change (ntile / row_number ranks
broke ties by contact_id, and a top share of 4 buyers held nobody).
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dbt_harness import Build, build_on, write_raw

AS_OF = "2024-06-30"
AS_OF_DATE = date.fromisoformat(AS_OF)
BUILD = (
    "build", "--select", "+seg_rfm", "+seg_usage_rate", "+seg_purchase_behavior", "segment_definitions",
    "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test",
)
REPEAT_SEGMENTS = {"at_risk", "loyal", "champion", "cant_lose_them"}


def day(days_ago: int, time: str = "10:00:00") -> str:
    return f"{AS_OF_DATE - timedelta(days=days_ago)} {time}"


def contact(contact_id: str) -> tuple:
    return (contact_id, f"{contact_id}@example.com", "2023-01-01 09:00:00", "true")


def order(order_id: str, contact_id: str, ordered_at: str, total: str) -> tuple:
    return (order_id, contact_id, ordered_at, total, "", "USD", "completed", "standard", "standard")


def sessions(contact_id: str, count: int, rows: list) -> None:
    """count app sessions in June (the medium window), one an hour from 2024-06-10."""
    for i in range(count):
        rows.append((f"e{len(rows) + 1:05d}", contact_id, None, "app_session",
                     f"2024-06-{10 + i // 24:02d} {i % 24:02d}:00:00", "app", None))


def small_shop(folder: Path) -> Path:
    buyers = ["same_a", "same_b", "same_c", "big_spender"]
    users = ["user_a", "user_b", "user_c"]
    write_raw(folder, "contacts", [contact(c) for c in buyers + users])
    orders = [order(f"o{i}", c, day(10), "20.00") for i, c in enumerate(buyers[:3])]
    orders += [order("o10", "big_spender", day(40), "600.00"), order("o11", "big_spender", day(5), "600.00")]
    write_raw(folder, "orders", orders)
    events: list = []
    for user in users:
        sessions(user, 12, events)
    write_raw(folder, "events", events)
    return folder


ONE_TIME = [f"once_{i:02d}" for i in range(30)]
TRIO = ["trio_1", "trio_2", "trio_3"]
REPEAT = [f"repeat_{i}" for i in range(6)]
# 25 app users (ranks 4-7 tie at 20 sessions: the top 20% of 25 is 5 users)
USAGE = [30, 29, 28, 20, 20, 20, 20] + list(range(19, 1, -1))
TIED_USERS = [f"once_{i:02d}" for i in range(3, 7)]


def big_shop(folder: Path) -> Path:
    write_raw(folder, "contacts", [contact(c) for c in ONE_TIME + TRIO + REPEAT])
    orders = []
    for i, c in enumerate(ONE_TIME):
        # one order each, spread over the last 400 days, amounts 15.00 .. 305.00
        orders.append(order(f"o1{i:02d}", c, day(3 + 13 * i), f"{15 + 10 * i}.00"))
    orders += [order(f"o2{i}", c, day(200), "20.00") for i, c in enumerate(TRIO)]
    for i, c in enumerate(REPEAT):
        for k in range(2 + i):  # 2 .. 7 purchase days, a month apart
            orders.append(order(f"o3{i}{k}", c, day(5 + 60 * i + 30 * k), "80.00"))
    write_raw(folder, "orders", orders)
    events: list = []
    for user, count in zip(ONE_TIME[:len(USAGE)], USAGE):
        sessions(user, count, events)
    write_raw(folder, "events", events)
    return folder


def build(tmp_path_factory, name: str, make) -> Build:
    raw = make(tmp_path_factory.mktemp(f"{name}_raw"))
    result = build_on(raw, tmp_path_factory.mktemp(f"{name}_work"), vars={"as_of_date": AS_OF}, args=BUILD)
    assert result.ok, result.failures()
    return result


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, dict[str, dict]]:
    shop = build(tmp_path_factory, "small_shop", small_shop)
    return {t: shop.by_key(f"main_marts.seg_{t}") for t in ("rfm", "usage_rate", "purchase_behavior")}


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict[str, dict[str, dict]]:
    shop = build(tmp_path_factory, "big_shop", big_shop)
    return {t: shop.by_key(f"main_marts.seg_{t}") for t in ("rfm", "usage_rate", "purchase_behavior")}


def scores(row: dict) -> tuple:
    return (row["segment"], row["r_score"], row["f_score"], row["m_score"])


def test_three_buyers_of_the_same_order_on_the_same_day_share_one_rfm_label(small):
    rfm = small["rfm"]
    assert {scores(rfm[c]) for c in ("same_a", "same_b", "same_c")} == {scores(rfm["same_a"])}
    # a small shop: the fixed thresholds decide (bought 10 days ago, once, 20.00)
    assert scores(rfm["same_a"]) == ("new_customer", 5, 1, 1)
    assert rfm["same_a"]["segment_reason"] == (
        "recency 5, frequency 1 of 5: last purchase 10 days ago, 1 purchase day, 20.00 net; "
        "fixed thresholds: only 4 buyers, fewer than 20"
    )
    assert rfm["same_a"]["reason_code"] == "scored_by_fixed_thresholds"


def test_the_same_trio_shares_one_rfm_label_in_a_big_shop(big):
    rfm = big["rfm"]
    assert rfm["trio_1"]["segment_reason"].count("fixed") == 0, "39 buyers: the quantile method"
    assert {scores(rfm[c]) for c in TRIO} == {scores(rfm["trio_1"])}


def test_users_with_the_same_usage_count_share_a_usage_label(small, big):
    usage = small["usage_rate"]
    assert {usage[c]["segment"] for c in ("user_a", "user_b", "user_c")} == {"medium"}  # 12 sessions >= 5
    assert usage["user_a"]["segment_reason"] == (
        "12 app events in the last 30 days, at least 5; fixed thresholds: only 3 users, fewer than 20")
    assert usage["user_a"]["reason_code"] == "medium_fixed_events"

    usage = big["usage_rate"]
    assert {usage[c]["usage_events_in_window"] for c in TIED_USERS} == {20}
    # four tied at ranks 4-7 of 25: together 28% of users, more than the top 20%
    assert {(usage[c]["segment"], usage[c]["usage_user_rank"]) for c in TIED_USERS} == {("medium", 4)}
    assert usage[ONE_TIME[0]]["segment"] == "heavy"
    assert usage[ONE_TIME[0]]["reason_code"] == "top_share_heavy"
    assert usage[ONE_TIME[0]]["segment_reason"].endswith(" of 25 users")


def test_the_top_of_four_buyers_can_be_a_high_spender_by_the_fixed_threshold(small):
    behavior = small["purchase_behavior"]
    assert behavior["big_spender"]["segment"] == "high_spender"
    assert behavior["big_spender"]["reason_code"] == "revenue_above_fixed_threshold"
    assert behavior["big_spender"]["segment_reason"].endswith(
        " USD, at least 1,000.00; fixed threshold: only 4 buyers, fewer than 20")
    assert behavior["big_spender"]["purchaser_count"] == 4
    assert {behavior[c]["segment"] for c in ("same_a", "same_b", "same_c")} == {"regular_buyer"}


def test_in_a_shop_of_one_time_buyers_none_is_labelled_as_a_repeat_buyer(big):
    rfm = big["rfm"]
    one_time = {c: row for c, row in rfm.items() if row["purchase_days"] == 1}
    assert len(one_time) == 33
    assert all("fixed" not in row["segment_reason"] for row in rfm.values()), "the quantile method"
    wrong = {c: row["segment"] for c, row in one_time.items() if row["segment"] in REPEAT_SEGMENTS}
    assert wrong == {}
    assert {row["f_score"] for row in one_time.values()} == {1}
    # recency still tells them apart: the newest one-time buyers are new customers
    assert rfm[ONE_TIME[0]]["segment"] == "new_customer"
    assert {rfm[c]["segment"] for c in REPEAT} & REPEAT_SEGMENTS
