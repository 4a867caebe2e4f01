"""Hostile raw input: every class either stages correctly or is quarantined with a reason.

Each scenario writes raw files, builds on them through `raw_data_path`
(database and target under a pytest tmp folder) and checks, row by row, where
every hostile value went. No build may fail, and in every build the row
accounting identity holds (rows_read = rows_staged + duplicates_removed +
rows_quarantined + rows_erased; no contact is erased here) and
data_quality_report agrees with it.

Builds
  hostile rows (CSV)   nulls in every column; empty and whitespace-only ids;
                       one event_id with different payloads; ids with quotes,
                       semicolons, backslashes, emoji and 1,000 characters;
                       timestamps in many shapes, zones, before 1970 and in
                       year 9999; amounts as text, negative, zero, huge, NaN,
                       Infinity; unknown currencies and statuses; malformed
                       JSON in properties
  empty files          0-byte CSV and Parquet files and a header-only file
  file shape           a CSV missing contract columns, one with extra columns,
                       columns in another order
  parquet              typed Parquet files (timestamps, doubles, booleans)
  ragged CSV           a row with more or fewer fields than the header fails
                       the build, naming the file (never a silent loss of rows)
  source freshness     `dbt source freshness` on raw text: garbage and
                       implausible timestamps are ignored (files and seeds)
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw

SELECT = (
    "--select", "+fct_contact_behavior", "+stg_raw__row_accounting", "+segment_membership",
    "+data_quality_report",
    "--indirect-selection", "cautious",
)
# models and their data tests (unit tests run in the spine suite)
CHECKED = ("build", *SELECT, "--exclude-resource-type", "unit_test")
MODELS = ("build", *SELECT, "--exclude-resource-type", "test", "unit_test")
AS_OF = "2024-03-31"
QUARANTINE = "main_staging.stg_raw__quarantine"
ACCOUNTING = "main_staging.stg_raw__row_accounting"
REPORT = "main_marts.data_quality_report"
FACTS = "main_marts.fct_contact_behavior"
KEYS = {"contacts": "contact_id", "events": "event_id", "orders": "order_id"}

LONG_ID = "x" * 1000
WEIRD_IDS = [
    "o'brien",              # single quote
    'say "hi"',             # double quotes
    "a;b;drop table x;--",  # semicolons and SQL
    "back\\slash\\",        # backslashes (one at the end)
    "emoji😀🎉",            # emoji (4-byte UTF-8)
    "comma,inside",         # the CSV delimiter
    LONG_ID,                # 1,000 characters
]
# a control character inside an id (a quoted line break, a tab): invalid_text
CONTROL_IDS = ["line\nbreak", "tab\tinside"]


def assert_ok(build: Build) -> None:
    assert build.ok, "dbt build failed:\n" + "\n".join(build.failures())


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def accounting(build: Build) -> dict[str, tuple[int, int, int, int]]:
    """Rows read, staged, duplicates removed, quarantined per table; the identity must hold."""
    rows = build.table(ACCOUNTING)
    assert sorted(r["source_table"] for r in rows) == ["contacts", "events", "orders"]
    for r in rows:
        assert r["rows_erased"] == 0, r
        assert r["rows_read"] == r["rows_staged"] + r["duplicates_removed"] + r["rows_quarantined"] + r["rows_erased"], r
    return {
        r["source_table"]: (r["rows_read"], r["rows_staged"], r["duplicates_removed"], r["rows_quarantined"])
        for r in rows
    }


def report(build: Build) -> dict[tuple[str, str], int | None]:
    return {(r["source_table"], r["check_name"]): r["check_value"] for r in build.table(REPORT)}


def assert_report_matches_accounting(build: Build) -> None:
    checks = report(build)
    for table, (read, staged, duplicates, quarantined) in accounting(build).items():
        assert checks[(table, "rows_read")] == read
        assert checks[(table, "rows_staged")] == staged
        assert checks[(table, "duplicates_removed")] == duplicates
        assert checks[(table, "rows_quarantined")] == quarantined
        assert checks[(table, "rows_erased")] == 0
        by_reason = {name: value for (t, name), value in checks.items() if t == table and name.startswith("quarantined_")}
        assert sum(by_reason.values()) == quarantined
        assert all(value > 0 for value in by_reason.values())  # one row per reason present


def quarantined(build: Build, table: str) -> dict[str | None, list[str]]:
    """record_key -> reasons (a key may be quarantined more than once; null keys under None)."""
    out: dict[str | None, list[str]] = {}
    for row in build.query(f"select record_key, rejection_reason from {QUARANTINE} where source_table = ?", [table]):
        out.setdefault(row["record_key"], []).append(row["rejection_reason"])
    return out


def staged(build: Build, table: str) -> dict[str, dict]:
    return build.by_key(f"main_staging.stg_raw__{table}", key=KEYS[table])


# --------------------------------------------------------------------------
# the hostile rows, each with its expected outcome
# --------------------------------------------------------------------------

OK = None  # staged

CONTACTS = [
    # (contact_id, email, created_at, email_opt_in), expected
    (("h_full", "Full@Example.com", "2024-01-05T10:00:00", "true"), OK),
    # nulls in every nullable column: staged with nulls
    (("h_nulls", None, None, None), OK),
    (("h_in_orders", "o@example.com", "2024-01-01", "no"), OK),
    # an invalid boolean
    (("h_bool", "b@example.com", "2024-01-01", "maybe"), "invalid_boolean"),
    *[((weird, f"w{i}@example.com", "2024-01-02 00:00:00", "1"), OK) for i, weird in enumerate(WEIRD_IDS)],
    *[((ctl, f"ctl{i}@example.com", "2024-01-02 00:00:00", "1"), "invalid_text") for i, ctl in enumerate(CONTROL_IDS)],
]
# rows without a usable key (all quarantined as missing_contact_id)
CONTACTS_KEYLESS = [
    (None, None, None, None),                     # null in every column
    ("", "e@example.com", "2024-01-01", "yes"),   # empty
    ("   ", "s@example.com", "2024-01-01", "yes"),  # spaces
    ("\t\n", "t@example.com", "2024-01-01", "yes"),  # tab and line break
    ("\u00a0\u3000\u200b\ufeff", "u@example.com", "2024-01-01", "yes"),  # no-break/ideographic/zero-width space, BOM
]

TIMESTAMPS = [
    # event_id, occurred_at text, expected UTC timestamp or quarantine reason
    ("t_iso_t", "2024-01-05T10:00:00", ts("2024-01-05 10:00:00")),
    ("t_iso_space", "2024-01-05 10:00:00", ts("2024-01-05 10:00:00")),
    ("t_zulu", "2024-01-05T10:00:00Z", ts("2024-01-05 10:00:00")),
    ("t_offset", "2024-01-05T10:00:00+02:00", ts("2024-01-05 08:00:00")),
    ("t_offset_compact", "2024-01-05 10:00:00+0200", ts("2024-01-05 08:00:00")),
    ("t_offset_west", "2024-01-05T22:30:00-05:00", ts("2024-01-06 03:30:00")),  # the UTC date moves
    ("t_date_only", "2024-01-05", ts("2024-01-05 00:00:00")),
    ("t_fraction", "2024-01-05T10:00:00.123456Z", ts("2024-01-05 10:00:00.123456")),
    ("t_padded", "  2024-01-05 10:00:00  ", ts("2024-01-05 10:00:00")),
    # shapes outside ISO-8601 (the contract): not guessed at, on any engine
    ("t_slash", "2024/01/05 10:00", "invalid_timestamp"),
    ("t_us_date", "01/05/2024", "invalid_timestamp"),
    ("t_named_zone", "2024-01-05 10:00:00 Europe/Berlin", "invalid_timestamp"),
    ("t_zone_abbrev", "2024-01-05 10:00:00 PST", "invalid_timestamp"),
    ("t_epoch_word", "epoch", "invalid_timestamp"),
    ("t_infinity", "infinity", "invalid_timestamp"),
    ("t_unix_seconds", "1704448800", "invalid_timestamp"),
    ("t_feb_30", "2024-02-30 10:00:00", "invalid_timestamp"),
    ("t_year_10000", "10000-01-01", "invalid_timestamp"),
    ("t_garbage", "yesterday at noon", "invalid_timestamp"),
    # parseable but outside the plausible range (vars plausible_timestamp_min/_max)
    ("t_before_1970", "1969-12-31 23:59:59", "implausible_timestamp"),
    ("t_1900", "1900-01-01", "implausible_timestamp"),
    ("t_year_9999", "9999-12-31 23:59:59", "implausible_timestamp"),
    ("t_2150", "2150-06-01T00:00:00Z", "implausible_timestamp"),
    # missing
    ("t_null", None, "missing_timestamp"),
    ("t_blank", "   ", "missing_timestamp"),
]

EVENTS = [
    # (event_id, contact_id, anonymous_id, event_type, occurred_at, channel, properties), expected
    *[((eid, "h_full", "", "page_view", text, "web", ""), expected if isinstance(expected, str) else OK)
      for eid, text, expected in TIMESTAMPS],
    # nulls
    (("n_anonymous", None, "anon_1", "page_view", "2024-02-01 10:00:00", "web", None), OK),
    (("n_channel_props", "h_full", None, "page_view", "2024-02-01 11:00:00", None, None), OK),
    (("n_identity", None, None, "page_view", "2024-02-01 10:00:00", "web", ""), "missing_identity"),
    (("n_identity_blank", "  ", "\t", "page_view", "2024-02-01 10:00:00", "web", ""), "missing_identity"),
    (("n_type", "h_full", None, None, "2024-02-01 10:00:00", "web", ""), "missing_event_type"),
    (("n_type_blank", "h_full", None, " ", "2024-02-01 10:00:00", "web", ""), "missing_event_type"),
    # a padded id is the trimmed id
    (("  e_padded  ", "h_full", "", " PAGE_VIEW ", "2024-02-02 10:00:00", " Web ", ""), OK),
    # unknown event type: kept
    (("u_unknown", "h_full", "", "hologram_call", "2024-02-03 10:00:00", "web", ""), OK),
    # malformed JSON in properties: kept as received (the project does not parse it)
    (("j_truncated", "h_full", "", "page_view", "2024-02-04 10:00:00", "web", '{"url": "/x"'), OK),
    (("j_not_json", "h_full", "", "page_view", "2024-02-04 10:01:00", "web", "not json; at all"), OK),
    (("j_array", "h_full", "", "page_view", "2024-02-04 10:02:00", "web", '[1, 2,'), OK),
    (("j_emoji", "h_full", "", "page_view", "2024-02-04 10:03:00", "web", '{"note": "😀 \\" \\\\"}'), OK),
    # a contact missing from contacts: kept
    (("c_not_in_crm", "ghost", "", "page_view", "2024-02-05 10:00:00", "web", ""), OK),
    # weird ids as event ids and as contact ids
    *[((f"ev_{weird}", weird, "", "page_view", "2024-02-06 10:00:00", "web", ""), OK) for weird in WEIRD_IDS],
    *[((f"ev_{ctl}", ctl, "", "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text") for ctl in CONTROL_IDS],
    # the same event_id with different payloads: the earliest occurred_at wins,
    # then the lowest raw text; the winner is written last on purpose
    (("dup_time", "h_full", "", "page_view", "2024-02-10 12:00:00", "web", '{"copy": "later"}'), OK),
    (("dup_time", "h_full", "", "email_open", "2024-02-10 09:00:00", "email", '{"copy": "earlier"}'), OK),
    (("dup_text", "h_full", "", "page_view", "2024-02-11 09:00:00", "web", '{"copy": "w"}'), OK),
    (("dup_text", "h_full", "", "page_view", "2024-02-11 09:00:00", "email", '{"copy": "e"}'), OK),
    # ... and an unusable copy is quarantined, not counted as a duplicate
    (("dup_bad", "h_full", "", "page_view", "1990-02-12 09:00:00", "web", ""), "implausible_timestamp"),
    (("dup_bad", "h_full", "", "page_view", "2024-02-12 09:00:00", "web", ""), OK),
]
EVENTS_KEYLESS = [
    (None, None, None, None, None, None, None),  # null in every column
    ("", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
    ("    ", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
    ("\t", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
    ("\u00a0", "h_full", "", "page_view", "2024-02-01 10:00:00", "web", ""),
]

AMOUNTS = [
    # order_id, order_total, discount_total, expected (order_total, discount_total) or quarantine reason
    ("a_text", "12.50", "", (Decimal("12.50"), Decimal("0.00"))),
    ("a_spaces", " 7 ", " 1.5 ", (Decimal("7.00"), Decimal("1.50"))),
    ("a_plus", "+5", "0", (Decimal("5.00"), Decimal("0.00"))),
    ("a_exponent", "1e3", "", (Decimal("1000.00"), Decimal("0.00"))),
    ("a_leading_dot", ".5", "", (Decimal("0.50"), Decimal("0.00"))),
    ("a_zero", "0", "0.00", (Decimal("0.00"), Decimal("0.00"))),
    ("a_rounded", "19.999", "", (Decimal("20.00"), Decimal("0.00"))),
    ("a_at_max", "1000000000", "", (Decimal("1000000000.00"), Decimal("0.00"))),  # plausible_amount_max
    ("a_abc", "abc", "", "invalid_amount"),
    ("a_comma_decimal", "1,5", "", "invalid_amount"),
    ("a_currency_sign", "$5", "", "invalid_amount"),
    ("a_underscores", "1_000", "", "invalid_amount"),
    ("a_hex", "0x10", "", "invalid_amount"),
    ("a_nan", "NaN", "", "invalid_amount"),
    ("a_infinity", "Infinity", "", "invalid_amount"),
    ("a_minus_infinity", "-Infinity", "", "invalid_amount"),
    ("a_inf", "inf", "", "invalid_amount"),
    ("a_1e15", "1e15", "", "invalid_amount"),  # fits decimal(18, 2) but is out of range
    ("a_above_max", "1000000000.01", "", "invalid_amount"),
    ("a_1e20", "1e20", "", "invalid_amount"),  # does not fit decimal(18, 2)
    ("a_long_digits", "9" * 40, "", "invalid_amount"),
    ("a_null", None, "", "invalid_amount"),
    ("a_negative", "-5", "", "negative_amount"),
    ("a_negative_zero", "-0", "", (Decimal("0.00"), Decimal("0.00"))),
    ("a_discount_nan", "10", "NaN", "invalid_amount"),
    ("a_discount_text", "10", "ten", "invalid_amount"),
    ("a_discount_1e15", "10", "1e15", "invalid_amount"),
    ("a_discount_negative", "10", "-1", "negative_amount"),
    # two amounts that each fit decimal(18, 2) but whose sum does not (for one contact)
    ("a_huge_1", "9000000000000000", "", "invalid_amount"),
    ("a_huge_2", "9000000000000000", "", "invalid_amount"),
]

ORDERS = [
    # (order_id, contact_id, ordered_at, order_total, discount_total, currency, status, shipping_method, product_tier)
    *[((oid, "h_in_orders", "2024-03-01 10:00:00", total, discount, "USD", "completed", "standard", "standard"),
       expected if isinstance(expected, str) else OK)
      for oid, total, discount, expected in AMOUNTS],
    # currencies: not validated (a single currency is assumed; data_quality_report counts them)
    (("s_currency_unknown", "h_in_orders", "2024-03-02 10:00:00", "10", "", "XYZ", "completed", "", ""), OK),
    (("s_currency_symbol", "h_in_orders", "2024-03-02 10:00:00", "10", "", "€", "completed", "", ""), OK),
    (("s_currency_padded", "h_in_orders", "2024-03-02 10:00:00", "10", "", " eur ", "completed", "", ""), OK),
    # statuses: the var order_statuses, case and spaces ignored
    (("s_status_case", "h_in_orders", "2024-03-03 10:00:00", "10", "", "USD", " Completed ", "", ""), OK),
    (("s_status_unknown", "h_in_orders", "2024-03-03 10:00:00", "10", "", "USD", "shipped", "", ""), "unknown_status"),
    (("s_status_null", "h_in_orders", "2024-03-03 10:00:00", "10", "", "USD", None, "", ""), "unknown_status"),
    # nulls in every other column
    (("n_contact", None, "2024-03-04 10:00:00", "10", "", "USD", "completed", "", ""), "missing_contact_id"),
    (("n_contact_blank", " \t ", "2024-03-04 10:00:00", "10", "", "USD", "completed", "", ""), "missing_contact_id"),
    (("n_ordered_at", "h_in_orders", None, "10", "", "USD", "completed", "", ""), "missing_timestamp"),
    (("n_optional", "h_in_orders", "2024-03-04 10:00:00", "10", None, None, "refunded", None, None), OK),
    (("n_bad_time", "h_in_orders", "2024/03/04", "10", "", "USD", "completed", "", ""), "invalid_timestamp"),
    # weird ids
    *[((f"o_{weird}", weird, "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), OK) for weird in WEIRD_IDS],
    *[((f"o_{ctl}", ctl, "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), "invalid_text")
      for ctl in CONTROL_IDS],
]
ORDERS_KEYLESS = [
    (None, None, None, None, None, None, None, None, None),  # null in every column
    ("", "h_in_orders", "2024-03-01 10:00:00", "10", "", "USD", "completed", "", ""),
    ("\u3000", "h_in_orders", "2024-03-01 10:00:00", "10", "", "USD", "completed", "", ""),
]


def expected_outcomes(rows):
    """key (trimmed) -> list of expected outcomes (None = staged)."""
    out: dict[str, list] = {}
    for row, expected in rows:
        out.setdefault(row[0].strip(), []).append(expected)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Build:
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    write_raw(raw, "contacts", [row for row, _ in CONTACTS] + CONTACTS_KEYLESS)
    write_raw(raw, "events", [row for row, _ in EVENTS] + EVENTS_KEYLESS)
    write_raw(raw, "orders", [row for row, _ in ORDERS] + ORDERS_KEYLESS)
    build = build_on(raw, base / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    return build


def assert_outcomes(build: Build, table: str, rows, keyless, keyless_reason: str) -> None:
    """Every keyed row staged or quarantined as expected; keyless rows quarantined."""
    expected = expected_outcomes(rows)
    got_quarantine = quarantined(build, table)
    got_staged = staged(build, table)
    for key, outcomes in expected.items():
        reasons = sorted(o for o in outcomes if o is not None)
        assert sorted(got_quarantine.get(key, [])) == reasons, (table, key)
        assert (key in got_staged) == (None in outcomes), (table, key)
    assert sorted(got_quarantine.get(None, [])) == [keyless_reason] * len(keyless)
    assert set(got_quarantine) - {None} <= set(expected)
    assert set(got_staged) <= set(expected)


def test_hostile_accounting_and_report(hostile):
    duplicates = {"contacts": 0, "events": 2, "orders": 0}
    for table, rows, keyless in [("contacts", CONTACTS, CONTACTS_KEYLESS), ("events", EVENTS, EVENTS_KEYLESS),
                                 ("orders", ORDERS, ORDERS_KEYLESS)]:
        read, staged_rows, dupes, quarantined_rows = accounting(hostile)[table]
        bad = sum(1 for _, expected in rows if expected is not None) + len(keyless)
        assert (read, dupes, quarantined_rows) == (len(rows) + len(keyless), duplicates[table], bad), table
    assert_report_matches_accounting(hostile)


def test_nulls_in_every_column(hostile):
    contacts = staged(hostile, "contacts")
    assert (contacts["h_nulls"]["email"], contacts["h_nulls"]["created_at"], contacts["h_nulls"]["email_opt_in"]) == (
        None, None, None)
    events = staged(hostile, "events")
    assert (events["n_anonymous"]["contact_id"], events["n_anonymous"]["anonymous_id"]) == (None, "anon_1")
    assert (events["n_channel_props"]["channel"], events["n_channel_props"]["properties"]) == (None, None)
    orders = staged(hostile, "orders")
    assert orders["n_optional"]["discount_total"] == Decimal("0.00")
    assert orders["n_optional"]["currency"] is None
    for table, rows, keyless, reason in [
        ("contacts", CONTACTS, CONTACTS_KEYLESS, "missing_contact_id"),
        ("events", EVENTS, EVENTS_KEYLESS, "missing_event_id"),
        ("orders", ORDERS, ORDERS_KEYLESS, "missing_order_id"),
    ]:
        assert_outcomes(hostile, table, rows, keyless, reason)
    # a contact with no created_at and no activity still gets its facts row
    assert "h_nulls" in hostile.by_key(FACTS)


def test_empty_and_whitespace_ids(hostile):
    # empty, spaces, tabs, line breaks, no-break / ideographic / zero-width spaces: a missing id
    assert sorted(quarantined(hostile, "contacts")[None]) == ["missing_contact_id"] * len(CONTACTS_KEYLESS)
    assert sorted(quarantined(hostile, "events")[None]) == ["missing_event_id"] * len(EVENTS_KEYLESS)
    assert sorted(quarantined(hostile, "orders")[None]) == ["missing_order_id"] * len(ORDERS_KEYLESS)
    assert quarantined(hostile, "events")["n_identity_blank"] == ["missing_identity"]
    assert quarantined(hostile, "events")["n_type_blank"] == ["missing_event_type"]
    assert quarantined(hostile, "orders")["n_contact_blank"] == ["missing_contact_id"]
    # no staged key is blank, and a padded id is the trimmed id
    for table in KEYS:
        assert all(key.strip() == key and key for key in staged(hostile, table)), table
    padded = staged(hostile, "events")["e_padded"]
    assert (padded["event_type"], padded["channel"]) == ("page_view", "web")


def test_same_event_id_with_different_payloads(hostile):
    events = staged(hostile, "events")
    # the earliest occurred_at wins ...
    assert (events["dup_time"]["event_type"], events["dup_time"]["occurred_at"]) == ("email_open", ts("2024-02-10 09:00:00"))
    assert events["dup_time"]["properties"] == '{"copy": "earlier"}'
    # ... then the lowest raw row text ("channel=email" < "channel=web")
    assert events["dup_text"]["channel"] == "email"
    # an unusable copy is quarantined, the usable one staged (not a duplicate)
    assert quarantined(hostile, "events")["dup_bad"] == ["implausible_timestamp"]
    assert events["dup_bad"]["occurred_at"] == ts("2024-02-12 09:00:00")
    assert accounting(hostile)["events"][2] == 2


def test_ids_with_quotes_semicolons_backslashes_emoji_and_1000_chars(hostile):
    contacts = staged(hostile, "contacts")
    events = staged(hostile, "events")
    orders = staged(hostile, "orders")
    facts = hostile.by_key(FACTS)
    for weird in WEIRD_IDS:
        assert weird in contacts, weird
        assert events[f"ev_{weird}"]["contact_id"] == weird
        assert orders[f"o_{weird}"]["contact_id"] == weird
        # the id reaches the facts intact, in the CRM, with its event and order
        fact = facts[weird]
        assert (fact["is_in_crm"], fact["order_count"], fact["net_revenue"]) == (True, 1, Decimal("10.00")), weird
    assert len(facts[LONG_ID]["contact_id"]) == 1000
    assert "ghost" in facts and facts["ghost"]["is_in_crm"] is False


def test_timestamps_in_many_shapes(hostile):
    events = staged(hostile, "events")
    got_quarantine = quarantined(hostile, "events")
    for event_id, text, expected in TIMESTAMPS:
        if isinstance(expected, str):
            assert got_quarantine.get(event_id) == [expected], (event_id, text)
            assert event_id not in events
        else:
            assert events[event_id]["occurred_at"] == expected, (event_id, text)
            assert events[event_id]["occurred_date"] == expected.date(), (event_id, text)
    # the raw text is kept in quarantine
    raw = {r["record_key"]: r["raw_record"] for r in hostile.table(QUARANTINE) if r["record_key"]}
    assert "occurred_at=2024/01/05 10:00" in raw["t_slash"]
    assert "occurred_at=<null>" in raw["t_null"]


def test_amounts_as_text_negative_zero_huge_nan_infinity(hostile):
    orders = staged(hostile, "orders")
    got_quarantine = quarantined(hostile, "orders")
    for order_id, total, discount, expected in AMOUNTS:
        if isinstance(expected, str):
            assert got_quarantine.get(order_id) == [expected], (order_id, total, discount)
            assert order_id not in orders
        else:
            assert (orders[order_id]["order_total"], orders[order_id]["discount_total"]) == expected, order_id
    # the huge amounts would have overflowed net_revenue (decimal(18, 2)): none reached a fact
    revenue = hostile.by_key(FACTS)["h_in_orders"]["net_revenue"]
    assert revenue < Decimal("10000000000")


def test_unknown_currencies_and_statuses(hostile):
    orders = staged(hostile, "orders")
    assert {orders[k]["currency"] for k in ("s_currency_unknown", "s_currency_symbol", "s_currency_padded")} == {
        "XYZ", "€", "EUR"}
    assert orders["s_status_case"]["status"] == "completed"
    got_quarantine = quarantined(hostile, "orders")
    assert got_quarantine["s_status_unknown"] == ["unknown_status"]
    assert got_quarantine["s_status_null"] == ["unknown_status"]
    # the report flags more than one currency
    assert report(hostile)[("orders", "distinct_currencies")] == 4  # USD, XYZ, €, EUR


def test_malformed_json_properties_kept_as_text(hostile):
    events = staged(hostile, "events")
    assert events["j_truncated"]["properties"] == '{"url": "/x"'
    assert events["j_not_json"]["properties"] == "not json; at all"
    assert events["j_array"]["properties"] == "[1, 2,"
    assert events["j_emoji"]["properties"] == '{"note": "😀 \\" \\\\"}'


def test_report_flags_what_was_kept(hostile):
    checks = report(hostile)
    assert checks[("events", "unknown_event_type_events")] == 1  # u_unknown
    # events of contacts missing from contacts: ghost, and the anonymous n_anonymous is never stitched
    assert checks[("events", "events_contact_not_in_crm")] == 1
    assert checks[("events", "anonymous_events_never_stitched")] == 1
    assert checks[("orders", "orders_contact_not_in_crm")] == 0
    for table in KEYS:
        assert checks[(table, "rows_after_as_of_date")] == 0
    # freshness against the as-of date (2024-03-31): contacts 2024-01-05, events 2024-02-12, orders 2024-03-05
    assert (checks[("contacts", "freshness_days")], checks[("events", "freshness_days")],
            checks[("orders", "freshness_days")]) == (86, 48, 26)
    assert checks[("events", "quarantined_invalid_timestamp")] == 10


# --------------------------------------------------------------------------
# file-level hostility
# --------------------------------------------------------------------------


def test_empty_file_and_header_only_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "contacts.csv").write_bytes(b"")      # 0 bytes
    (raw / "events.parquet").write_bytes(b"")    # 0 bytes (read_parquet would fail on it)
    write_raw(raw, "orders", [])                 # header only
    build = build_on(raw, tmp_path / "work", args=CHECKED)  # as_of_date null: no data, no clock
    assert_ok(build)
    assert accounting(build) == {table: (0, 0, 0, 0) for table in KEYS}
    assert build.table(FACTS) == []
    assert build.table("main_marts.segment_membership") == []
    checks = report(build)
    assert all(checks[(t, "freshness_days")] is None for t in KEYS)
    assert_report_matches_accounting(build)


def test_csv_with_missing_and_extra_columns(tmp_path):
    raw = tmp_path / "raw"
    # contacts: email_opt_in missing, an extra column, columns in another order
    write_raw(raw, "contacts", [
        ("2024-01-02 00:00:00", "k1", "k1@example.com", "ignored"),
    ], columns=["created_at", "contact_id", "email", "favourite_colour"])
    # events: only the required columns (no anonymous_id, channel, properties), plus an extra one
    write_raw(raw, "events", [
        ("e1", "k1", "page_view", "2024-02-01 10:00:00", "x"),
        ("e2", "k1", "email_open", "2024-02-02 10:00:00", "y"),
    ], columns=["event_id", "contact_id", "event_type", "occurred_at", "extra"])
    # orders: no discount_total / currency / shipping / tier column
    write_raw(raw, "orders", [
        ("o1", "k1", "2024-03-01 10:00:00", "10.00", "completed"),
        ("o2", "k1", "2024-03-02 10:00:00", "", "completed"),
    ], columns=["order_id", "contact_id", "ordered_at", "order_total", "status"])
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    assert accounting(build) == {
        "contacts": (1, 1, 0, 0),
        "events": (2, 2, 0, 0),
        "orders": (2, 1, 0, 1),
    }
    contact = staged(build, "contacts")["k1"]
    assert (contact["email"], contact["email_opt_in"], contact["created_at"]) == (
        "k1@example.com", None, ts("2024-01-02 00:00:00"))
    events = staged(build, "events")
    assert (events["e1"]["anonymous_id"], events["e1"]["channel"], events["e1"]["properties"]) == (None, None, None)
    order = staged(build, "orders")["o1"]
    assert (order["order_total"], order["discount_total"], order["currency"]) == (Decimal("10.00"), Decimal("0.00"), None)
    assert quarantined(build, "orders") == {"o2": ["invalid_amount"]}
    fact = build.by_key(FACTS)["k1"]
    assert (fact["order_count"], fact["email_opens"]) == (1, 1)
    assert_report_matches_accounting(build)


@pytest.mark.parametrize("ragged_lines", [
    # later rows with an unquoted comma (one field too many)
    [f'o{i},k1,2024-03-02 10:00:00,10.00,,USD,completed,standard,{{"tier":1,"x":2}}' for i in range(2, 8)],
    # a row with too few fields, then one with too many
    ["o2,k1,2024-03-02 10:00:00,10.00", "o3,k1,2024-03-02 10:00:00,10.00,,USD,completed,standard,standard,extra"],
], ids=["surplus_fields", "missing_then_surplus_fields"])
def test_csv_row_with_another_field_count_fails_loudly(tmp_path, ragged_lines):
    # Never a silent loss: on such files DuckDB's sniffer takes a later line
    # for the header (every contract column then reads as null, or the rows
    # above it are skipped as a preamble) and the build "succeeds". A row
    # that does not match the header fails the build, naming the file.
    raw = tmp_path / "raw"
    path = write_raw(raw, "orders", [
        ("o1", "k1", "2024-03-01 10:00:00", "10.00", "", "USD", "completed", "standard", "standard"),
    ])
    with path.open("a", newline="") as handle:
        handle.write("".join(line + "\r\n" for line in ragged_lines))  # the csv module's line ending
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=("build", "--select", "+stg_raw__orders"))
    assert not build.ok
    assert "orders.csv" in "\n".join(build.failures())


def write_parquet(path: Path, sql: str) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"copy ({sql}) to '{path}' (format parquet)")
    finally:
        con.close()


def test_parquet_input(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # typed columns: timestamps (with and without zone), booleans, doubles (NaN, Infinity, huge)
    write_parquet(raw / "contacts.parquet", """
        select * from (values
            ('p1', 'p1@example.com', timestamptz '2024-01-02 02:00:00+02', true),
            ('p2', null, null, false),
            (null, 'nobody@example.com', timestamptz '2024-01-02 00:00:00+00', null)
        ) as t(contact_id, email, created_at, email_opt_in)
    """)
    write_parquet(raw / "events.parquet", """
        select * from (values
            ('pe1', 'p1', null, 'page_view', timestamp '2024-02-01 10:00:00', 'web', '{"a": 1}', 42),
            ('pe2', 'p2', null, 'email_open', timestamp '1960-01-01 00:00:00', 'email', null, 43),
            ('pe3', 'p2', null, 'email_open', timestamp '2024-02-02 10:00:00.5', 'email', null, 44)
        ) as t(event_id, contact_id, anonymous_id, event_type, occurred_at, channel, properties, extra_number)
    """)
    write_parquet(raw / "orders.parquet", """
        select order_id, contact_id, ordered_at, order_total, discount_total, currency, status,
               shipping_method, product_tier
        from (values
            ('po1', 'p1', date '2024-03-01', 12.5::double, 0::double, 'USD', 'completed', 'express', 'premium'),
            ('po2', 'p1', date '2024-03-02', 'nan'::double, null, 'USD', 'completed', null, null),
            ('po3', 'p1', date '2024-03-03', 'infinity'::double, null, 'USD', 'completed', null, null),
            ('po4', 'p1', date '2024-03-04', 1e15::double, null, 'USD', 'completed', null, null),
            ('po5', 'p1', date '2024-03-05', 7::double, 1e300::double, 'USD', 'completed', null, null)
        ) as t(order_id, contact_id, ordered_at, order_total, discount_total, currency, status,
               shipping_method, product_tier)
    """)
    build = build_on(raw, tmp_path / "work", vars={"as_of_date": AS_OF}, args=CHECKED)
    assert_ok(build)
    assert accounting(build) == {
        "contacts": (3, 2, 0, 1),
        "events": (3, 2, 0, 1),
        "orders": (5, 1, 0, 4),
    }
    contacts = staged(build, "contacts")
    assert (contacts["p1"]["created_at"], contacts["p1"]["email_opt_in"]) == (ts("2024-01-02 00:00:00"), True)
    assert contacts["p2"]["email_opt_in"] is False
    events = staged(build, "events")
    assert events["pe3"]["occurred_at"] == ts("2024-02-02 10:00:00.5")
    assert quarantined(build, "events") == {"pe2": ["implausible_timestamp"]}
    orders = staged(build, "orders")
    assert (orders["po1"]["order_total"], orders["po1"]["ordered_at"]) == (Decimal("12.50"), ts("2024-03-01 00:00:00"))
    assert quarantined(build, "orders") == {
        "po2": ["invalid_amount"], "po3": ["invalid_amount"], "po4": ["invalid_amount"], "po5": ["invalid_amount"]}
    assert quarantined(build, "contacts") == {None: ["missing_contact_id"]}
    assert build.by_key(FACTS)["p1"]["net_revenue"] == Decimal("12.50")
    assert_report_matches_accounting(build)


# --------------------------------------------------------------------------
# dbt source freshness on raw text
# --------------------------------------------------------------------------


def freshness(build: Build) -> dict[str, tuple[str, str]]:
    """source table -> (status, max_loaded_at) from sources.json."""
    results = json.loads((build.database.parent / "target" / "sources.json").read_text())["results"]
    return {r["unique_id"].rsplit(".", 1)[-1]: (r["status"], r["max_loaded_at"]) for r in results}


def test_source_freshness_on_files_ignores_garbage_and_implausible_timestamps(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw, "events", [
        ("e1", "k1", "", "page_view", "2024-03-01T10:00:00+02:00", "web", ""),
        ("e2", "k1", "", "page_view", "9999-12-31 23:59:59", "web", ""),  # would look fresh forever
        ("e3", "k1", "", "page_view", "not-a-date", "web", ""),           # the largest text
        ("e4", "k1", "", "page_view", "2024/12/31 10:00", "web", ""),     # not ISO-8601
    ])
    (raw / "orders.csv").write_bytes(b"")  # 0 bytes; contacts: no file
    build = run_dbt(["source", "freshness"], tmp_path / "warehouse.duckdb",
                    vars={"raw_data_path": str(raw), "source_freshness_warn_days": 1,
                          "source_freshness_error_days": 100000})
    # the staleness itself is not a failure of the run here: read the results
    found = freshness(build)
    assert found["events"] == ("warn", "2024-03-01T08:00:00+00:00")
    assert found["contacts"][0] == found["orders"][0] == "error"  # empty tables: never loaded


def test_source_freshness_on_the_seeded_sample(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    seeded = run_dbt(["seed", "--select", "contacts", "events", "orders"], database)
    assert_ok(seeded)
    build = run_dbt(["source", "freshness"], database,
                    vars={"source_freshness_warn_days": 100000, "source_freshness_error_days": 100000})
    assert_ok(build)
    found = freshness(build)
    assert {table: status for table, (status, _) in found.items()} == {
        "contacts": "pass", "events": "pass", "orders": "pass"}
    # the sample's events hold 'not-a-date': the latest real timestamp is found all the same
    con = duckdb.connect()
    try:
        latest = con.execute(
            "select max(try_cast(occurred_at as timestamp)) from read_csv(?, all_varchar = true)",
            [str(PROJECT_DIR / "seeds" / "raw" / "events.csv")],
        ).fetchone()[0]
    finally:
        con.close()
    assert found["events"][1] == latest.isoformat() + "+00:00"
