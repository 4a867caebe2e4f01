"""The hostile raw rows, their expected outcomes and the checks on them: one
definition for every engine.

tests/python/test_hostile_input.py (DuckDB) and
tests/engines/test_postgres_hostile.py (PostgreSQL, in .venv-postgres, which
has no duckdb) write these rows, build on them and call the checks below with
their own build and relation names. This module imports neither duckdb nor
psycopg2 and sends no SQL of its own: a build is anything with

    build.table(relation)          -> list of rows (dicts), whole table
    build.by_key(relation, key)    -> {row[key]: row}
    build.ok, build.failures()

and the relations are named by a `Relations` (DuckDB: the schemas
main_staging / main_marts; PostgreSQL: the layers staging / marts, which its
Build maps to its own schemas). Rows are filtered in Python, so no query
parameters (`?` on DuckDB, `%s` on psycopg2) are needed here.

An id (contact_id, event_id, anonymous_id, order_id) holding a C0 control
character (U+0001..U+001F) or DEL after trimming is quarantined as
invalid_text on every engine (CONTROL_IDS). NUL is left out: PostgreSQL text
cannot hold it and its loader refuses the file
(tests/engines/test_postgres_loader.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

# the dbt selection of the hostile builds: models and their data tests
# (unit tests run in the spine suite and in the main build of scripts/postgres.sh)
SELECT = (
    "--select", "+fct_contact_behavior", "+stg_raw__row_accounting", "+segment_membership",
    "+data_quality_report",
    "--indirect-selection", "cautious",
)
CHECKED = ("build", *SELECT, "--exclude-resource-type", "unit_test")
AS_OF = "2024-03-31"
KEYS = {"contacts": "contact_id", "events": "event_id", "orders": "order_id"}


def assert_ok(build: Any) -> None:
    assert build.ok, "dbt build failed:\n" + "\n".join(build.failures())


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --------------------------------------------------------------------------
# where the models are, and reading the outcome
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Relations:
    """The relation names one engine's build.table() understands."""

    staging: str  # DuckDB: "main_staging"; PostgreSQL: "staging"
    marts: str    # DuckDB: "main_marts";   PostgreSQL: "marts"

    @property
    def quarantine(self) -> str:
        return f"{self.staging}.stg_raw__quarantine"

    @property
    def accounting(self) -> str:
        return f"{self.staging}.stg_raw__row_accounting"

    @property
    def report(self) -> str:
        return f"{self.marts}.data_quality_report"

    @property
    def facts(self) -> str:
        return f"{self.marts}.fct_contact_behavior"

    @property
    def membership(self) -> str:
        return f"{self.marts}.segment_membership"

    def staged(self, table: str) -> str:
        return f"{self.staging}.stg_raw__{table}"


def accounting(build: Any, names: Relations, erased: dict[str, int] | None = None,
               ) -> dict[str, tuple[int, int, int, int]]:
    """Rows read, staged, duplicates removed, quarantined per table; the identity must hold
    (rows_erased as in `erased`, 0 where it names no table). The optional suppression list
    (raw table suppressions) has a row too: these cases give none, so it reads 0 and is not returned."""
    rows = build.table(names.accounting)
    assert sorted(r["source_table"] for r in rows) == ["contacts", "events", "orders", "suppressions"]
    listed = next(r for r in rows if r["source_table"] == "suppressions")
    assert (listed["rows_read"], listed["rows_staged"], listed["rows_quarantined"], listed["rows_erased"]) == (0, 0, 0, 0)
    rows = [r for r in rows if r["source_table"] != "suppressions"]
    for r in rows:
        assert r["rows_erased"] == (erased or {}).get(r["source_table"], 0), r
        assert r["rows_read"] == r["rows_staged"] + r["duplicates_removed"] + r["rows_quarantined"] + r["rows_erased"], r
    return {
        r["source_table"]: (r["rows_read"], r["rows_staged"], r["duplicates_removed"], r["rows_quarantined"])
        for r in rows
    }


def report(build: Any, names: Relations) -> dict[tuple[str, str], int | None]:
    return {(r["source_table"], r["check_name"]): r["check_value"] for r in build.table(names.report)}


def assert_report_matches_accounting(build: Any, names: Relations, erased: dict[str, int] | None = None) -> None:
    checks = report(build, names)
    for table, (read, staged_rows, duplicates, quarantined_rows) in accounting(build, names, erased).items():
        assert checks[(table, "rows_read")] == read
        assert checks[(table, "rows_staged")] == staged_rows
        assert checks[(table, "duplicates_removed")] == duplicates
        assert checks[(table, "rows_quarantined")] == quarantined_rows
        assert checks[(table, "rows_erased")] == (erased or {}).get(table, 0)
        by_reason = {name: value for (t, name), value in checks.items() if t == table and name.startswith("quarantined_")}
        assert sum(by_reason.values()) == quarantined_rows
        assert all(value > 0 for value in by_reason.values())  # one row per reason present


def quarantined(build: Any, names: Relations, table: str) -> dict[str | None, list[str]]:
    """record_key -> reasons (a key may be quarantined more than once; null keys under None)."""
    out: dict[str | None, list[str]] = {}
    for row in build.table(names.quarantine):
        if row["source_table"] == table:
            out.setdefault(row["record_key"], []).append(row["rejection_reason"])
    return out


def staged(build: Any, names: Relations, table: str) -> dict[str, dict]:
    return build.by_key(names.staged(table), key=KEYS[table])


# --------------------------------------------------------------------------
# the hostile rows, each with its expected outcome
# --------------------------------------------------------------------------

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
# ids holding a control character inside (after trimming): invalid_text
CONTROL_IDS = [
    "line\nbreak",          # a line break inside a quoted CSV field
    "tab\tinside",          # a tab
    "bell\x07",             # BEL at the end (not whitespace: not trimmed)
    "esc\x1b[31mred",       # an ANSI escape
    "unit\x1fsep",          # the last C0 character
    "del\x7f",              # DEL
]

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
    *[((bad, f"x{i}@example.com", "2024-01-02 00:00:00", "1"), "invalid_text") for i, bad in enumerate(CONTROL_IDS)],
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
    # plausible, but after the build started (plus a day): a typo such as 2031 for 2026
    ("t_future", "2090-06-01 00:00:00", "future_timestamp"),
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
    # control characters in the event id, the contact id or the anonymous id
    *[((f"ev_{bad}", "h_full", "", "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text")
      for bad in CONTROL_IDS],
    *[((f"evc_{i}", bad, "", "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text")
      for i, bad in enumerate(CONTROL_IDS)],
    *[((f"eva_{i}", None, bad, "page_view", "2024-02-06 10:00:00", "web", ""), "invalid_text")
      for i, bad in enumerate(CONTROL_IDS)],
    # the same event_id with different payloads: the earliest occurred_at wins,
    # then the lowest raw text; the winner is written last on purpose
    (("dup_time", "h_full", "", "page_view", "2024-02-10 12:00:00", "web", '{"copy": "later"}'), OK),
    (("dup_time", "h_full", "", "email_open", "2024-02-10 09:00:00", "email", '{"copy": "earlier"}'), OK),
    (("dup_text", "h_full", "", "page_view", "2024-02-11 09:00:00", "web", '{"copy": "w"}'), OK),
    (("dup_text", "h_full", "", "page_view", "2024-02-11 09:00:00", "email", '{"copy": "e"}'), OK),
    # ... and an unusable copy is quarantined, not counted as a duplicate
    (("dup_bad", "h_full", "", "page_view", "1969-02-12 09:00:00", "web", ""), "implausible_timestamp"),
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
    # currencies other than the reporting currency (USD) without a rate (the default has none): quarantined,
    # never summed as dollars (macros/staging/currency.sql); case and padding are ignored
    (("s_currency_unknown", "h_in_orders", "2024-03-02 10:00:00", "10", "", "XYZ", "completed", "", ""),
     "unknown_currency"),
    (("s_currency_symbol", "h_in_orders", "2024-03-02 10:00:00", "10", "", "€", "completed", "", ""),
     "unknown_currency"),
    (("s_currency_padded", "h_in_orders", "2024-03-02 10:00:00", "10", "", " eur ", "completed", "", ""),
     "unknown_currency"),
    (("s_currency_usd_padded", "h_in_orders", "2024-03-02 10:00:00", "10", "", " usd ", "completed", "", ""), OK),
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
    # control characters in the order id or the contact id
    *[((f"o_{bad}", "h_in_orders", "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), "invalid_text")
      for bad in CONTROL_IDS],
    *[((f"oc_{i}", bad, "2024-03-05 10:00:00", "10", "", "USD", "completed", "", ""), "invalid_text")
      for i, bad in enumerate(CONTROL_IDS)],
]
ORDERS_KEYLESS = [
    (None, None, None, None, None, None, None, None, None),  # null in every column
    ("", "h_in_orders", "2024-03-01 10:00:00", "10", "", "USD", "completed", "", ""),
    ("\u3000", "h_in_orders", "2024-03-01 10:00:00", "10", "", "USD", "completed", "", ""),
]

# table -> (keyed rows with their outcomes, keyless rows, the reason for a missing key)
TABLES = {
    "contacts": (CONTACTS, CONTACTS_KEYLESS, "missing_contact_id"),
    "events": (EVENTS, EVENTS_KEYLESS, "missing_event_id"),
    "orders": (ORDERS, ORDERS_KEYLESS, "missing_order_id"),
}

# rows (read, staged, duplicates removed, quarantined) of the hostile build, counted by hand:
#   contacts: 17 keyed (4 named, 7 weird, 6 control) + 5 keyless; quarantined h_bool, the 6 control ids
#             and the 5 keyless
#   events:   70 keyed (26 timestamps, 6 nulls, e_padded, u_unknown, 4 JSON, c_not_in_crm, 7 weird,
#             3 x 6 control, 6 copies) + 5 keyless; quarantined 17 timestamps, 4 identity/type, 18 control,
#             dup_bad's bad copy and the 5 keyless; dup_time and dup_text each lose a copy
#   orders:   61 keyed (30 amounts, 4 currencies, 3 statuses, 5 nulls, 7 weird, 2 x 6 control) + 3 keyless;
#             quarantined 21 amounts, 3 currencies, 2 statuses, 4 nulls, 12 control and the 3 keyless
HOSTILE_ACCOUNTING = {
    "contacts": (22, 10, 0, 12),
    "events": (75, 28, 2, 45),
    "orders": (64, 19, 0, 45),
}


def expected_outcomes(rows):
    """key (trimmed) -> list of expected outcomes (None = staged)."""
    out: dict[str, list] = {}
    for row, expected in rows:
        out.setdefault(row[0].strip(), []).append(expected)
    return out


def assert_outcomes(build: Any, names: Relations, table: str, rows, keyless, keyless_reason: str) -> None:
    """Every keyed row staged or quarantined as expected; keyless rows quarantined."""
    expected = expected_outcomes(rows)
    got_quarantine = quarantined(build, names, table)
    got_staged = staged(build, names, table)
    for key, outcomes in expected.items():
        reasons = sorted(o for o in outcomes if o is not None)
        assert sorted(got_quarantine.get(key, [])) == reasons, (table, key)
        assert (key in got_staged) == (None in outcomes), (table, key)
    assert sorted(got_quarantine.get(None, [])) == [keyless_reason] * len(keyless)
    assert set(got_quarantine) - {None} <= set(expected)
    assert set(got_staged) <= set(expected)


# --------------------------------------------------------------------------
# the checks on the hostile build (each test file calls them with its own)
# --------------------------------------------------------------------------


def check_accounting_and_report(build: Any, names: Relations) -> None:
    duplicates = {"contacts": 0, "events": 2, "orders": 0}
    got = accounting(build, names)
    for table, (rows, keyless, _) in TABLES.items():
        read, _, dupes, quarantined_rows = got[table]
        bad = sum(1 for _, expected in rows if expected is not None) + len(keyless)
        assert (read, dupes, quarantined_rows) == (len(rows) + len(keyless), duplicates[table], bad), table
    assert got == HOSTILE_ACCOUNTING
    assert_report_matches_accounting(build, names)


def check_nulls_in_every_column(build: Any, names: Relations) -> None:
    contacts = staged(build, names, "contacts")
    assert (contacts["h_nulls"]["email"], contacts["h_nulls"]["created_at"], contacts["h_nulls"]["email_opt_in"]) == (
        None, None, None)
    events = staged(build, names, "events")
    assert (events["n_anonymous"]["contact_id"], events["n_anonymous"]["anonymous_id"]) == (None, "anon_1")
    assert (events["n_channel_props"]["channel"], events["n_channel_props"]["properties"]) == (None, None)
    orders = staged(build, names, "orders")
    assert orders["n_optional"]["discount_total"] == Decimal("0.00")
    assert orders["n_optional"]["currency"] is None
    for table, (rows, keyless, reason) in TABLES.items():
        assert_outcomes(build, names, table, rows, keyless, reason)
    # a contact with no created_at and no activity still gets its facts row
    assert "h_nulls" in build.by_key(names.facts, "contact_id")


def check_empty_and_whitespace_ids(build: Any, names: Relations) -> None:
    # empty, spaces, tabs, line breaks, no-break / ideographic / zero-width spaces: a missing id
    got = {table: quarantined(build, names, table) for table in KEYS}
    for table, (_, keyless, reason) in TABLES.items():
        assert sorted(got[table][None]) == [reason] * len(keyless), table
    assert got["events"]["n_identity_blank"] == ["missing_identity"]
    assert got["events"]["n_type_blank"] == ["missing_event_type"]
    assert got["orders"]["n_contact_blank"] == ["missing_contact_id"]
    # no staged key is blank, and a padded id is the trimmed id
    for table in KEYS:
        assert all(key.strip() == key and key for key in staged(build, names, table)), table
    padded = staged(build, names, "events")["e_padded"]
    assert (padded["event_type"], padded["channel"]) == ("page_view", "web")


def check_same_event_id_with_different_payloads(build: Any, names: Relations) -> None:
    events = staged(build, names, "events")
    # the earliest occurred_at wins ...
    assert (events["dup_time"]["event_type"], events["dup_time"]["occurred_at"]) == ("email_open", ts("2024-02-10 09:00:00"))
    assert events["dup_time"]["properties"] == '{"copy": "earlier"}'
    # ... then the lowest raw row text ("channel=email" < "channel=web")
    assert events["dup_text"]["channel"] == "email"
    # an unusable copy is quarantined, the usable one staged (not a duplicate)
    assert quarantined(build, names, "events")["dup_bad"] == ["implausible_timestamp"]
    assert events["dup_bad"]["occurred_at"] == ts("2024-02-12 09:00:00")
    assert accounting(build, names)["events"][2] == 2


def check_weird_ids(build: Any, names: Relations) -> None:
    """Ids with quotes, semicolons, backslashes, emoji, a comma and 1,000 characters."""
    contacts = staged(build, names, "contacts")
    events = staged(build, names, "events")
    orders = staged(build, names, "orders")
    facts = build.by_key(names.facts, "contact_id")
    for weird in WEIRD_IDS:
        assert weird in contacts, weird
        assert events[f"ev_{weird}"]["contact_id"] == weird
        assert orders[f"o_{weird}"]["contact_id"] == weird
        # the id reaches the facts intact, in the CRM, with its event and order
        fact = facts[weird]
        assert (fact["is_in_crm"], fact["order_count"], fact["net_revenue"]) == (True, 1, Decimal("10.00")), weird
    assert len(facts[LONG_ID]["contact_id"]) == 1000
    assert "ghost" in facts and facts["ghost"]["is_in_crm"] is False


def check_control_character_ids(build: Any, names: Relations) -> None:
    # a line break, tab, BEL, ESC, U+001F or DEL inside an id: quarantined, kept nowhere else
    got = {table: quarantined(build, names, table) for table in KEYS}
    for i, bad in enumerate(CONTROL_IDS):
        assert got["contacts"][bad] == ["invalid_text"], repr(bad)
        assert got["events"][f"ev_{bad}"] == ["invalid_text"], repr(bad)   # in event_id
        assert got["events"][f"evc_{i}"] == ["invalid_text"], repr(bad)    # in contact_id
        assert got["events"][f"eva_{i}"] == ["invalid_text"], repr(bad)    # in anonymous_id
        assert got["orders"][f"o_{bad}"] == ["invalid_text"], repr(bad)    # in order_id
        assert got["orders"][f"oc_{i}"] == ["invalid_text"], repr(bad)     # in contact_id
    facts = build.by_key(names.facts, "contact_id")
    assert not set(CONTROL_IDS) & set(facts)
    membership = {row["contact_id"] for row in build.table(names.membership)}
    assert not set(CONTROL_IDS) & membership
    checks = report(build, names)
    assert checks[("contacts", "quarantined_invalid_text")] == len(CONTROL_IDS)
    assert checks[("events", "quarantined_invalid_text")] == 3 * len(CONTROL_IDS)
    assert checks[("orders", "quarantined_invalid_text")] == 2 * len(CONTROL_IDS)


def check_timestamps_in_many_shapes(build: Any, names: Relations) -> None:
    events = staged(build, names, "events")
    got_quarantine = quarantined(build, names, "events")
    for event_id, text, expected in TIMESTAMPS:
        if isinstance(expected, str):
            assert got_quarantine.get(event_id) == [expected], (event_id, text)
            assert event_id not in events
        else:
            assert events[event_id]["occurred_at"] == expected, (event_id, text)
            assert events[event_id]["occurred_date"] == expected.date(), (event_id, text)
    # the raw text is kept in quarantine
    raw = {r["record_key"]: r["raw_record"] for r in build.table(names.quarantine) if r["record_key"]}
    assert "occurred_at=2024/01/05 10:00" in raw["t_slash"]
    assert "occurred_at=<null>" in raw["t_null"]


def check_amounts(build: Any, names: Relations) -> None:
    """Amounts as text, negative, zero, huge, NaN, Infinity."""
    orders = staged(build, names, "orders")
    got_quarantine = quarantined(build, names, "orders")
    for order_id, total, discount, expected in AMOUNTS:
        if isinstance(expected, str):
            assert got_quarantine.get(order_id) == [expected], (order_id, total, discount)
            assert order_id not in orders
        else:
            assert (orders[order_id]["order_total"], orders[order_id]["discount_total"]) == expected, order_id
    # the huge amounts would have overflowed net_revenue (decimal(18, 2)): none reached a fact
    revenue = build.by_key(names.facts, "contact_id")["h_in_orders"]["net_revenue"]
    assert revenue < Decimal("10000000000")


def check_currencies_and_statuses(build: Any, names: Relations) -> None:
    orders = staged(build, names, "orders")
    assert orders["s_currency_usd_padded"]["currency"] == "USD"
    assert orders["n_optional"]["rate_to_reporting"] == 1  # no currency: the reporting currency
    assert orders["s_status_case"]["status"] == "completed"
    got_quarantine = quarantined(build, names, "orders")
    for order_id in ("s_currency_unknown", "s_currency_symbol", "s_currency_padded"):
        assert got_quarantine[order_id] == ["unknown_currency"], order_id
    assert got_quarantine["s_status_unknown"] == ["unknown_status"]
    assert got_quarantine["s_status_null"] == ["unknown_status"]
    # only the reporting currency was staged; the others are counted as quarantined
    assert report(build, names)[("orders", "distinct_currencies")] == 1
    assert report(build, names)[("orders", "quarantined_unknown_currency")] == 3


def check_malformed_json_kept_as_text(build: Any, names: Relations) -> None:
    events = staged(build, names, "events")
    assert events["j_truncated"]["properties"] == '{"url": "/x"'
    assert events["j_not_json"]["properties"] == "not json; at all"
    assert events["j_array"]["properties"] == "[1, 2,"
    assert events["j_emoji"]["properties"] == '{"note": "😀 \\" \\\\"}'


def check_report_flags(build: Any, names: Relations) -> None:
    checks = report(build, names)
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
