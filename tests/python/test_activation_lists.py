"""Activation lists that are safe to send (issue 10), beyond the stories.

* A Hypothesis property test over generated raw data: a few contacts sharing
  a small pool of addresses (different case and spaces), random carts,
  opens, sends, app sessions, unsubscribes, bounces, spam complaints and
  orders, and a random global suppression file (by address or by upper-case
  hash). For every example, after a build of the lists:
    - no suppressed address is on any list, where "suppressed" is computed
      here in Python from the raw rows (an unsubscribe, bounce or spam
      complaint on any record with the address, or a suppression row), not
      read from the models;
    - no contact is on two lists, and no address is on two list rows;
    - the assignment has one row per fact contact, and every listed contact
      qualifies for the list it is on.
  LIST_PROPERTY_EXAMPLES (default 4) sets how many examples (one build each).
* The frequency cap over activation_list_history: three builds in one
  database, as of day 1, day 4 and day 8, of a contact with a cart that stays
  abandoned: listed on day 1, held as frequency_cap on day 4 (3 < 7 days),
  listed again on day 8; the history holds the two listed runs with their
  run ids, and a rebuild of day 8 lists the contact again (same as-of date:
  never held by itself).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from dbt_harness import RAW_COLUMNS, build_on, write_raw

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "behavioral_segmentation_hypothesis")

AS_OF = date(2024, 6, 30)
LISTS = ["cart_abandoners", "re_engagement", "upsell", "nurture"]
EXAMPLES = int(os.environ.get("LIST_PROPERTY_EXAMPLES", "4"))
BUILD_LISTS = ("build", "--select", "+activation_list_history", "+stg_raw__row_accounting",
               "--exclude-resource-type", "test", "unit_test")
ADDRESSES = ["ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com", "eve@example.com"]
EVENT_TYPES = ["add_to_cart", "checkout_started", "email_open", "email_delivered", "app_session", "product_view",
               "content_download", "unsubscribe", "email_bounce", "spam_report"]
SUPPRESSING = {"unsubscribe", "email_bounce", "spam_report"}


def normalized(address: str) -> str:
    return address.strip().lower()


def sha256(address: str) -> str:
    return hashlib.sha256(normalized(address).encode("utf-8")).hexdigest()


def at(days_ago: int, hour: int) -> str:
    moment = datetime(AS_OF.year, AS_OF.month, AS_OF.day, hour) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def spelled(address: str, variant: int) -> str:
    """The same address as a CRM might hold it: as is, upper-cased, or padded."""
    return [address, address.upper(), f"  {address} "][variant]


contact_strategy = st.tuples(st.sampled_from(ADDRESSES), st.integers(0, 2), st.booleans())
event_strategy = st.tuples(st.integers(0, 7), st.sampled_from(EVENT_TYPES), st.integers(0, 240), st.integers(0, 23))
order_strategy = st.tuples(st.integers(0, 7), st.integers(0, 400))
suppression_strategy = st.tuples(st.sampled_from(ADDRESSES), st.booleans())


def world(contacts, events, orders, suppressions) -> dict[str, list[dict]]:
    ids = [f"p{number}" for number in range(len(contacts))]
    rows = {
        "contacts": [
            {"contact_id": cid, "email": spelled(address, variant), "created_at": at(600, 9),
             "email_opt_in": "true" if opted_in else "false"}
            for cid, (address, variant, opted_in) in zip(ids, contacts)
        ] + [{"contact_id": "zz_anchor", "email": "anchor@example.net", "created_at": at(600, 9),
              "email_opt_in": "true"}],
        "events": [{"event_id": "anchor_e", "contact_id": "zz_anchor", "event_type": "page_view",
                    "occurred_at": at(0, 12), "channel": "web"}],
        "orders": [],
        "suppressions": [],
    }
    for number, (who, event_type, days_ago, hour) in enumerate(events):
        rows["events"].append({
            "event_id": f"e{number}", "contact_id": ids[who % len(ids)], "event_type": event_type,
            "occurred_at": at(days_ago, hour), "channel": "email" if event_type.startswith("email") else "web"})
    for number, (who, days_ago) in enumerate(orders):
        rows["orders"].append({
            "order_id": f"o{number}", "contact_id": ids[who % len(ids)], "ordered_at": at(days_ago, 10),
            "order_total": "40.00", "discount_total": "0", "currency": "USD", "status": "completed",
            "shipping_method": "standard", "product_tier": "standard"})
    for address, by_hash in suppressions:
        row = {"reason": "unsubscribed", "suppressed_at": at(30, 8)}
        if by_hash:
            row["email_sha256"] = sha256(address).upper()
        else:
            row["email"] = f" {address.upper()} "
        rows["suppressions"].append(row)
    return rows


def write_world(folder: Path, rows: dict[str, list[dict]]) -> None:
    for table, table_rows in rows.items():
        write_raw(folder, table, table_rows, RAW_COLUMNS[table])


def suppressed_hashes(rows: dict[str, list[dict]]) -> set[str]:
    """The oracle: the addresses no list may hold, from the raw rows alone."""
    email_of = {row["contact_id"]: row["email"] for row in rows["contacts"]}
    hashes = {sha256(email_of[row["contact_id"]]) for row in rows["events"] if row["event_type"] in SUPPRESSING}
    for row in rows["suppressions"]:
        hashes.add(row["email_sha256"].lower() if row.get("email_sha256") else sha256(row["email"]))
    return hashes


@pytest.fixture(scope="module")
def work():
    with tempfile.TemporaryDirectory(prefix="lists_") as folder:
        yield Path(folder)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(contacts=st.lists(contact_strategy, min_size=3, max_size=8),
       events=st.lists(event_strategy, min_size=10, max_size=60),
       orders=st.lists(order_strategy, max_size=10),
       suppressions=st.lists(suppression_strategy, max_size=2))
def test_no_suppressed_address_on_a_list_and_one_list_per_contact(work, contacts, events, orders, suppressions):
    rows = world(contacts, events, orders, suppressions)
    raw = work / "raw"
    write_world(raw, rows)
    # the frequency cap is off: every example is its own world in the same database
    build = build_on(raw, work / "db", vars={"as_of_date": AS_OF.isoformat(), "activation_min_days_between_lists": 0},
                     args=BUILD_LISTS)
    assert build.ok, build.failures()
    blocked = suppressed_hashes(rows)
    listed = []
    for name in LISTS:
        listed += [(name, row["contact_id"], row["email_sha256"])
                   for row in build.query(f"select contact_id, email_sha256 from main_marts.activation_{name}")]
    on_a_suppressed_address = [row for row in listed if row[2] in blocked]
    assert not on_a_suppressed_address, (on_a_suppressed_address, rows)
    contacts_listed = [contact for _, contact, _ in listed]
    assert len(contacts_listed) == len(set(contacts_listed)), listed
    addresses_listed = [address for _, _, address in listed]
    assert len(addresses_listed) == len(set(addresses_listed)), listed
    assignment = {row["contact_id"]: row for row in build.query("select * from main_marts.activation_assignment")}
    facts = build.query("select count(*) as n from main_marts.fct_contact_behavior")[0]["n"]
    assert len(assignment) == facts
    for name, contact, _ in listed:
        assert assignment[contact]["assigned_list"] == name
        assert assignment[contact][f"qualifies_{name}"] is True


def cart_world(as_of: date) -> dict[str, list[dict]]:
    """One contact whose cart of 2024-06-01 stays abandoned, seen as of `as_of`."""
    return {
        "contacts": [{"contact_id": "cap", "email": "cap@example.com", "created_at": "2024-01-01 09:00:00",
                      "email_opt_in": "true"}],
        "events": [
            {"event_id": "cart", "contact_id": "cap", "event_type": "add_to_cart",
             "occurred_at": "2024-06-01 10:00:00", "channel": "web"},
            {"event_id": f"visit_{as_of}", "contact_id": "cap", "event_type": "page_view",
             "occurred_at": f"{as_of - timedelta(days=5)} 10:00:00", "channel": "web"},
        ],
        "orders": [],
    }


def test_frequency_cap_holds_an_address_listed_in_an_earlier_run(tmp_path):
    raw = tmp_path / "raw"
    outcomes = {}
    for day in [date(2024, 6, 3), date(2024, 6, 6), date(2024, 6, 10), date(2024, 6, 10)]:
        write_world(raw, cart_world(day))
        build = build_on(raw, tmp_path / "db", vars={"as_of_date": day.isoformat(), "activation_cart_window_days": 14},
                         args=("build", "--select", "+activation_list_history", "--exclude-resource-type", "test", "unit_test"))
        assert build.ok, build.failures()
        row = build.query("select assigned_list, held_reason, last_listed_on from main_marts.activation_assignment "
                          "where contact_id = 'cap'")[0]
        outcomes.setdefault(day, []).append(row)
    first, = outcomes[date(2024, 6, 3)]
    assert first["assigned_list"] == "cart_abandoners" and first["held_reason"] is None
    held, = outcomes[date(2024, 6, 6)]
    assert held["assigned_list"] is None and held["held_reason"] == "frequency_cap"
    assert str(held["last_listed_on"]) == "2024-06-03"
    for again in outcomes[date(2024, 6, 10)]:
        # 7 days after the last listing (2024-06-03): listed again; the rebuild of the same day too
        assert again["assigned_list"] == "cart_abandoners", again
    history = build.query("select as_of_date, run_id, rule_version from main_marts.activation_list_history "
                          "where contact_id = 'cap' order by as_of_date, run_id")
    assert [str(row["as_of_date"]) for row in history] == ["2024-06-03", "2024-06-10", "2024-06-10"]
    assert len({row["run_id"] for row in history}) == 3
    assert all(row["rule_version"] for row in history)


@pytest.mark.parametrize("bad_vars, message", [
    ({"re_engagement_inactive_days": 90}, "Var 're_engagement_inactive_days' is retired"),
    ({"nurture_lead_window_days": 180}, "Var 'nurture_lead_window_days' is retired"),
    ({"activation_cart_window_days": 20, "purchase_cart_abandon_days": 14},
     "Invalid var 'activation_cart_window_days': got 20. Expected a number of days <= purchase_cart_abandon_days (14)"),
    ({"activation_min_days_between_lists": -1}, "Invalid var 'activation_min_days_between_lists'"),
], ids=["retired_inactive_days", "retired_nurture_window", "cart_window_beyond_label", "negative_cap"])
def test_a_bad_list_var_stops_at_compile_time(tmp_path, bad_vars, message):
    from dbt_harness import run_dbt

    failed = run_dbt(["compile", "--select", "activation_assignment"], tmp_path / "warehouse.duckdb", vars=bad_vars)
    assert not failed.ok
    assert message in str(failed.result.exception), failed.result.exception
