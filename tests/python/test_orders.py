"""Orders as a marketer lives them: refunds, cancellations, free orders and
an order exported twice (issue 9, item 6).

Each test is a small story on a hand-written shop, built from raw CSV files
through `raw_data_path` (database and target in a pytest tmp folder). The
rules under test are written once, in macros/staging/order_status.sql:

  * a repeated order_id keeps its latest state: refunded > cancelled >
    completed, then the latest ordered_at, then the lowest raw row text;
  * a refund is not a purchase and reduces net revenue
    (net_revenue = gross_revenue - refunded_revenue);
  * a cancelled order is never a purchase, nor revenue;
  * a zero-value completed order is a purchase day unless the var
    zero_value_orders_are_purchases is false.

Every story failed on the code before it (the refund and the cancellation
were lost to the old duplicate rule, the earliest ordered_at then the
alphabetically lowest raw row; the var did not exist).
"""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from dbt_harness import Build, build_on, write_raw

AS_OF = "2024-03-31"
PURCHASE_SEGMENTS = ("+seg_user_status", "+seg_purchase_behavior", "+stg_raw__row_accounting")
CAUTIOUS = ("--indirect-selection", "cautious")
# models and their data tests (the unit tests run in the main dbt build)
CHECKED = ("build", "--select", *PURCHASE_SEGMENTS, *CAUTIOUS, "--exclude-resource-type", "unit_test")
MODELS = ("build", "--select", *PURCHASE_SEGMENTS, *CAUTIOUS, "--exclude-resource-type", "test", "unit_test")
FACTS = "main_marts.fct_contact_behavior"
ORDERS = "main_staging.stg_raw__orders"
BUYER_STATUSES = {"first_time_user", "regular_user", "ex_user"}


def order(order_id, contact, at, total, status, discount="", shipping="standard", tier="standard"):
    return (order_id, contact, at, total, discount, "USD", status, shipping, tier)


CONTACTS = [
    (name, f"{name}@example.com", "2024-01-02 10:00:00", "true")
    for name in ["rita", "rob", "cora", "cleo", "zoe", "zack", "perm"]
]
# every contact visited once, so a non-buyer is a potential user
EVENTS = [
    (f"ev_{name}", name, "", "page_view", "2024-03-01 08:00:00", "web", "")
    for name, *_ in CONTACTS
]

SHOP_ORDERS = [
    # rita: bought for 80, the shop exported the order again when it refunded
    # it (same order_id, same ordered_at); a second order of 20 stands
    order("o_rita_1", "rita", "2024-03-01 10:00:00", "80.00", "completed"),
    order("o_rita_1", "rita", "2024-03-01 10:00:00", "80.00", "refunded"),
    order("o_rita_2", "rita", "2024-03-10 10:00:00", "20.00", "completed"),
    # rob: the refund row carries the time of the refund
    order("o_rob_1", "rob", "2024-03-05 09:00:00", "50.00", "completed"),
    order("o_rob_1", "rob", "2024-03-06 12:00:00", "50.00", "refunded"),
    order("o_rob_2", "rob", "2024-03-20 09:00:00", "30.00", "completed"),
    # cora: her only order was completed, then cancelled half an hour later
    order("o_cora_1", "cora", "2024-03-12 09:00:00", "45.00", "completed"),
    order("o_cora_1", "cora", "2024-03-12 09:30:00", "45.00", "cancelled"),
    # cleo: her only order was cancelled
    order("o_cleo_1", "cleo", "2024-03-15 09:00:00", "60.00", "cancelled"),
    # zoe: a free sample (100% coupon), then a paid order
    order("o_zoe_1", "zoe", "2024-03-03 10:00:00", "0.00", "completed", discount="15.00"),
    order("o_zoe_2", "zoe", "2024-03-15 10:00:00", "25.00", "completed"),
    # zack: only a free order
    order("o_zack_1", "zack", "2024-03-20 10:00:00", "0", "completed", discount="9.00"),
]

# perm: one order per row order of (completed, refunded, cancelled); the
# completed row is the earliest and the cancelled row the latest, so neither
# the earliest nor the latest row is the refund, which wins every time
PERMUTATION_ORDERS = []
for number, statuses in enumerate(itertools.permutations(["completed", "refunded", "cancelled"])):
    at = {"completed": "2024-03-02 10:00:00", "refunded": "2024-03-02 11:00:00", "cancelled": "2024-03-02 12:00:00"}
    PERMUTATION_ORDERS += [order(f"o_perm_3_{number}", "perm", at[s], "10.00", s) for s in statuses]
# completed and cancelled, in both row orders and both time orders: cancelled wins
for number, (statuses, cancelled_first) in enumerate(
    itertools.product([("completed", "cancelled"), ("cancelled", "completed")], [True, False])
):
    at = {"cancelled": "2024-03-03 09:00:00", "completed": "2024-03-03 18:00:00"} if cancelled_first else {
        "cancelled": "2024-03-03 18:00:00", "completed": "2024-03-03 09:00:00"}
    PERMUTATION_ORDERS += [order(f"o_perm_2_{number}", "perm", at[s], "10.00", s) for s in statuses]
# the same state twice: the latest ordered_at wins (its total is 7, the earlier 5)
PERMUTATION_ORDERS += [
    order("o_perm_same", "perm", "2024-03-04 10:00:00", "7.00", "completed"),
    order("o_perm_same", "perm", "2024-03-04 09:00:00", "5.00", "completed"),
]
# the same state at the same instant: the lower raw row text (total 3.00 < 4.00)
PERMUTATION_ORDERS += [
    order("o_perm_tie", "perm", "2024-03-05 10:00:00", "4.00", "completed"),
    order("o_perm_tie", "perm", "2024-03-05 10:00:00", "3.00", "completed"),
]
EXPECTED_KEPT = {
    **{f"o_perm_3_{n}": ("refunded", "2024-03-02 11:00:00", Decimal("10.00")) for n in range(6)},
    "o_perm_2_0": ("cancelled", "2024-03-03 09:00:00", Decimal("10.00")),
    "o_perm_2_1": ("cancelled", "2024-03-03 18:00:00", Decimal("10.00")),
    "o_perm_2_2": ("cancelled", "2024-03-03 09:00:00", Decimal("10.00")),
    "o_perm_2_3": ("cancelled", "2024-03-03 18:00:00", Decimal("10.00")),
    "o_perm_same": ("completed", "2024-03-04 10:00:00", Decimal("7.00")),
    "o_perm_tie": ("completed", "2024-03-05 10:00:00", Decimal("3.00")),
}
ALL_ORDERS = SHOP_ORDERS + PERMUTATION_ORDERS


def assert_ok(build: Build) -> None:
    assert build.ok, "dbt build failed:\n" + "\n".join(build.failures())


def write_shop(raw, orders):
    write_raw(raw, "contacts", CONTACTS)
    write_raw(raw, "events", EVENTS)
    write_raw(raw, "orders", orders)
    return raw


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Build:
    """The shop with the defaults, built with its data tests (net = gross - refunds among them)."""
    base = tmp_path_factory.mktemp("orders_shop")
    build = build_on(write_shop(base / "raw", ALL_ORDERS), base / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    return build


@pytest.fixture(scope="module")
def shop_without_free_purchases(tmp_path_factory) -> Build:
    """The same shop with zero_value_orders_are_purchases: false, and its
    orders file written in reverse (one build serves two stories: the var
    changes no staged row, so the staged orders must equal the shop's)."""
    base = tmp_path_factory.mktemp("orders_no_free")
    build = build_on(
        write_shop(base / "raw", list(reversed(ALL_ORDERS))), base / "work",
        vars={"as_of_date": AS_OF, "zero_value_orders_are_purchases": False}, args=MODELS,
    )
    assert_ok(build)
    return build


def facts(build: Build, contact: str) -> dict:
    return build.by_key(FACTS)[contact]


def segment(build: Build, segmentation_type: str, contact: str) -> str:
    rows = build.query(f"select segment from main_marts.seg_{segmentation_type} where contact_id = ?", [contact])
    assert len(rows) == 1, rows
    return rows[0]["segment"]


def money(row: dict) -> tuple:
    """(refunded_revenue, net_revenue, refunded_order_count, gross_revenue)"""
    return (row["refunded_revenue"], row["net_revenue"], row["refunded_order_count"], row.get("gross_revenue"))


# --------------------------------------------------------------------------
# A refund that arrives after the completion is a refund
# --------------------------------------------------------------------------

def test_refund_arriving_after_completion_reduces_net_revenue(shop):
    # Rita bought for 80 and 20; the 80 was refunded and the shop sent the
    # order again with status refunded. Her net revenue is 20, the refund is
    # counted, and the refunded order is no purchase. (Before: the completed
    # row won the duplicate rule by its raw text, the refund was lost and her
    # net revenue stayed 100.)
    rita = facts(shop, "rita")
    assert money(rita) == (Decimal("80.00"), Decimal("20.00"), 1, Decimal("100.00"))
    assert (rita["order_count"], rita["purchase_days"], rita["first_purchase_date"]) == (1, 1, date(2024, 3, 10))
    assert shop.by_key(ORDERS, key="order_id")["o_rita_1"]["status"] == "refunded"

    # Rob's refund row carries the later time of the refund. (Before: the
    # earliest ordered_at won, so again the completed row.)
    rob = facts(shop, "rob")
    assert money(rob) == (Decimal("50.00"), Decimal("30.00"), 1, Decimal("80.00"))
    assert (rob["order_count"], rob["purchase_days"], rob["first_purchase_date"]) == (1, 1, date(2024, 3, 20))

    # the monetary value the segments rank on is the net revenue
    assert segment(shop, "user_status", "rita") == "first_time_user"
    assert segment(shop, "user_status", "rob") == "first_time_user"


# --------------------------------------------------------------------------
# A cancelled order is not a purchase
# --------------------------------------------------------------------------

def test_cancelled_order_is_not_a_purchase(shop):
    # Cora's only order was completed, then cancelled: she is not a buyer.
    # (Before: the earlier completed row won; she was a first-time user and
    # a buyer with 45 of revenue.)
    cora = facts(shop, "cora")
    assert (cora["order_count"], cora["purchase_days"], cora["net_revenue"], cora.get("gross_revenue")) == (
        0, 0, Decimal("0.00"), Decimal("0.00"))
    assert (cora["cancelled_order_count"], cora["first_purchase_date"], cora["days_since_last_purchase"]) == (
        1, None, None)
    assert segment(shop, "user_status", "cora") not in BUYER_STATUSES
    assert segment(shop, "user_status", "cora") == "potential_user"
    assert segment(shop, "purchase_behavior", "cora") == "non_buyer"

    # Cleo's only order was cancelled: the same.
    cleo = facts(shop, "cleo")
    assert (cleo["order_count"], cleo["purchase_days"], cleo["net_revenue"], cleo["cancelled_order_count"]) == (
        0, 0, Decimal("0.00"), 1)
    assert segment(shop, "user_status", "cleo") == "potential_user"
    assert segment(shop, "purchase_behavior", "cleo") == "non_buyer"
    # a cancellation is no activity either: the last action is the visit
    assert (cora["last_activity_date"], cleo["last_activity_date"]) == (date(2024, 3, 1), date(2024, 3, 1))


# --------------------------------------------------------------------------
# Zero-value orders: a purchase day by default, not with the var false
# --------------------------------------------------------------------------

def test_zero_value_order_is_a_purchase_day_by_default_and_not_with_the_var_false(
    shop, shop_without_free_purchases
):
    # By default Zoe's free sample is her first purchase day and Zack, with
    # only a free order, is a buyer: the buy-till-you-die models count
    # transactions, not value. (This half held before too.)
    zoe = facts(shop, "zoe")
    assert (zoe["order_count"], zoe["purchase_days"], zoe["first_purchase_date"], zoe["net_revenue"]) == (
        2, 2, date(2024, 3, 3), Decimal("25.00"))
    assert zoe["discounted_order_share"] == 0.5
    zack = facts(shop, "zack")
    assert (zack["order_count"], zack["purchase_days"], zack["net_revenue"]) == (1, 1, Decimal("0.00"))
    assert segment(shop, "user_status", "zack") == "first_time_user"
    assert segment(shop, "purchase_behavior", "zack") != "non_buyer"

    # With zero_value_orders_are_purchases: false the free orders are not
    # purchases: Zoe has one purchase day (the paid one), Zack none.
    # (Before: the var did not exist and changed nothing.)
    build = shop_without_free_purchases
    zoe = facts(build, "zoe")
    assert (zoe["order_count"], zoe["purchase_days"], zoe["first_purchase_date"], zoe["net_revenue"]) == (
        1, 1, date(2024, 3, 15), Decimal("25.00"))
    assert zoe["discounted_order_share"] == 0.0
    zack = facts(build, "zack")
    assert (zack["order_count"], zack["purchase_days"], zack["first_purchase_date"]) == (0, 0, None)
    assert segment(build, "user_status", "zack") == "potential_user"
    assert segment(build, "purchase_behavior", "zack") == "non_buyer"
    # nothing else moves: refunds and cancellations are read as with the default
    assert money(facts(build, "rita")) == (Decimal("80.00"), Decimal("20.00"), 1, Decimal("100.00"))


@pytest.mark.parametrize("value", ["false", 0])
def test_zero_value_var_must_be_true_or_false(tmp_path, value):
    # a typo stops the build at compile time, naming the var
    raw = write_shop(tmp_path / "raw", SHOP_ORDERS)
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF, "zero_value_orders_are_purchases": value},
                     args=("build", "--select", "int_contact_daily_activity", "--exclude-resource-type", "test",
                           "unit_test"))
    assert not build.ok
    text = "\n".join(build.failures())
    assert "Invalid var 'zero_value_orders_are_purchases'" in text and "true or false" in text, text


# --------------------------------------------------------------------------
# The precedence holds whatever the file order
# --------------------------------------------------------------------------

def kept_orders(build: Build) -> dict:
    return {
        row["order_id"]: (row["status"], row["ordered_at"].isoformat(sep=" "), row["order_total"])
        for row in build.table(ORDERS, order_by="order_id")
        if row["order_id"].startswith("o_perm")
    }


def test_precedence_holds_whatever_the_file_order(shop, shop_without_free_purchases):
    # Every row order of completed / refunded / cancelled keeps the refund
    # (neither the earliest nor the latest row); completed and cancelled keep
    # the cancellation in every row and time order; a repeated state keeps
    # its latest ordered_at, an exact tie the lower raw row. (Before: the
    # earliest ordered_at won: the completed row of every three-state order,
    # the completed row of a cancellation recorded later, the earlier copy of
    # a repeated state.)
    assert kept_orders(shop) == EXPECTED_KEPT
    perm = facts(shop, "perm")
    # 6 refunds of 10, 4 cancellations, 2 completed orders (7 + 3) on two days
    assert (perm["refunded_order_count"], perm["cancelled_order_count"], perm["order_count"]) == (6, 4, 2)
    assert money(perm) == (Decimal("60.00"), Decimal("10.00"), 6, Decimal("70.00"))

    # the whole orders file written in reverse (the var-false build): the same rows are kept
    reversed_build = shop_without_free_purchases
    assert reversed_build.table(ORDERS, order_by="order_id") == shop.table(ORDERS, order_by="order_id")
    assert money(facts(reversed_build, "perm")) == money(perm)

    # every copy is accounted for: read = staged + duplicates
    accounting = {r["source_table"]: r for r in shop.table("main_staging.stg_raw__row_accounting")}["orders"]
    assert (accounting["rows_read"], accounting["rows_staged"], accounting["duplicates_removed"],
            accounting["rows_quarantined"]) == (len(ALL_ORDERS), 21, len(ALL_ORDERS) - 21, 0)
