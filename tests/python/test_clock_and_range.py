"""The clock and the plausible range (issue 9, item 7): stories an operator lives through.

Each story is one small `dbt build` (models and data tests up to the segment
summary and the data quality report) on raw files in a pytest tmp folder.
Every story failed on the code before this suite; the comment on each says
what happened then.

  typo from the future   one event dated five years ahead (a typo: 2031 for
                         2026) moved the default as-of date there and every
                         buyer became churned, all tests green
  historical export      a 1997 shop was quarantined in full as
                         implausible_timestamp (lower bound 2000-01-01) and the
                         build died on shares_add_up_to_one
  as-of before the data  the same cryptic shares_add_up_to_one failure
  nothing usable         a contacts table whose every row is quarantined, and
                         header-only files: the same failure, no word on why
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from dbt_harness import Build, build_on, write_raw

# models and their data tests (tests reading a model outside the selection are left out) ...
SELECT = ("build", "--select", "+segment_summary", "+data_quality_report", "+stg_raw__row_accounting",
          "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test")
# ... or the same models only, where the story is about what the tables hold (faster)
MODELS = (*SELECT, "test")
ACCOUNTING = "main_staging.stg_raw__row_accounting"
QUARANTINE = "main_staging.stg_raw__quarantine"
REPORT = "main_marts.data_quality_report"
SUMMARY = "main_marts.segment_summary"
CLOCK = "main_intermediate.int_as_of_date"

# the export ends yesterday (the day before the build runs)
TODAY = datetime.now(timezone.utc).date()
EXPORT_END = TODAY - timedelta(days=1)
# a year typed wrong, five years ahead (2031 in 2026), inside the plausible range
TYPO_YEAR = max(2031, TODAY.year + 5)


def day(ago: int, time: str = "10:00:00", end: date = EXPORT_END) -> str:
    return f"{end - timedelta(days=ago)} {time}"


def build(raw: Path, work: Path, vars: dict | None = None, args=SELECT) -> Build:
    result = build_on(raw, work, vars=vars, args=args)
    assert result.ok, "\n".join(result.failures())
    return result


def logged(result: Build) -> str:
    return "".join(p.read_text(errors="replace") for p in (result.database.parent / "logs").rglob("*.log"))


def accounting(result: Build) -> dict[str, tuple[int, int, int, int]]:
    """Per raw table; the optional suppression list (none in these cases) must read 0 and is left out."""
    rows = {r["source_table"]: (r["rows_read"], r["rows_staged"], r["duplicates_removed"], r["rows_quarantined"])
            for r in result.table(ACCOUNTING)}
    assert rows.pop("suppressions") == (0, 0, 0, 0)
    return rows


def quarantined(result: Build) -> dict[tuple[str, str], str]:
    return {(r["source_table"], r["record_key"]): r["rejection_reason"] for r in result.table(QUARANTINE)}


def report(result: Build) -> dict[tuple[str, str], int]:
    return {(r["source_table"], r["check_name"]): r["check_value"] for r in result.table(REPORT)}


def segment_contacts(result: Build) -> dict[str, int]:
    """Contacts per segmentation type in segment_summary."""
    rows = result.query(f"select segmentation_type, sum(contacts) as n from {SUMMARY} group by 1")
    return {r["segmentation_type"]: r["n"] for r in rows}


def as_of(result: Build) -> date:
    return result.table(CLOCK)[0]["as_of_date"]


def label(result: Build, segmentation: str, contact_id: str) -> str:
    return result.by_key(f"main_marts.seg_{segmentation}")[contact_id]["segment"]


def write_shop(raw: Path, end: date = EXPORT_END, extra_events=()) -> Path:
    """Bea bought twice, the last time a week before the export ended; Carl only browses."""
    write_raw(raw, "contacts", [
        ("bea", "bea@example.com", day(200, end=end), "true"),
        ("carl", "carl@example.com", day(100, end=end), "true"),
    ])
    write_raw(raw, "events", [
        ("e1", "bea", "", "page_view", day(40, end=end), "web", ""),
        ("e2", "bea", "", "email_open", day(7, end=end), "email", ""),
        ("e3", "carl", "", "page_view", day(0, end=end), "web", ""),
        *extra_events,
    ])
    write_raw(raw, "orders", [
        ("o1", "bea", day(37, end=end), "40.00", "", "USD", "completed", "standard", "standard"),
        ("o2", "bea", day(7, end=end), "25.00", "", "USD", "completed", "standard", "standard"),
    ])
    return raw


def test_a_typo_from_the_future_does_not_move_the_clock(tmp_path):
    # before: the typo event (five years ahead) set the as-of date to its day; Bea, who bought
    # a week ago, was churned and an ex_user, and every test passed
    typo = f"{TYPO_YEAR}-{EXPORT_END:%m-%d} 10:00:00"
    raw = write_shop(tmp_path / "raw", extra_events=[("e_typo", "carl", "", "page_view", typo, "web", "")])
    result = build(raw, tmp_path / "work", args=MODELS)
    assert as_of(result) == EXPORT_END
    assert quarantined(result) == {("events", "e_typo"): "future_timestamp"}
    assert accounting(result)["events"] == (4, 3, 0, 1)
    assert report(result)[("events", "quarantined_future_timestamp")] == 1
    assert label(result, "loyalty_status", "bea") == "repeat_buyer"
    assert label(result, "user_status", "bea") == "regular_user"
    assert result.by_key("main_marts.fct_contact_behavior")["bea"]["days_since_last_purchase"] == 7
    assert "1 row dated after the build started" in logged(result)


def test_b_a_1997_export_builds_and_its_rows_are_staged(tmp_path):
    # before: every row was implausible_timestamp (lower bound 2000-01-01) and the build
    # failed on shares_add_up_to_one
    end = date(1997, 12, 31)
    raw = write_shop(tmp_path / "raw", end=end)
    result = build(raw, tmp_path / "work", args=MODELS)
    assert accounting(result) == {"contacts": (2, 2, 0, 0), "events": (3, 3, 0, 0), "orders": (2, 2, 0, 0)}
    assert as_of(result) == end
    assert segment_contacts(result)["loyalty_status"] == 2
    assert label(result, "loyalty_status", "bea") == "repeat_buyer"


def test_c_an_as_of_date_before_any_data_builds_green_with_empty_segments(tmp_path):
    # before: the build failed on shares_add_up_to_one, with no word on why
    raw = write_shop(tmp_path / "raw")
    result = build(raw, tmp_path / "work", vars={"as_of_date": "2001-01-01"})
    assert as_of(result) == date(2001, 1, 1)
    counts = segment_contacts(result)
    assert counts and set(counts.values()) == {0}
    assert accounting(result)["events"] == (3, 3, 0, 0)  # the rows are staged, just later than the clock
    text = logged(result)
    assert "segments are empty" in text
    assert f"as_of_date 2001-01-01 is before the earliest staged row ({day(200)[:10]})" in text


def test_d_a_contacts_table_whose_every_row_is_quarantined_builds_green(tmp_path):
    # before: the build failed on shares_add_up_to_one, with no word on why
    raw = tmp_path / "raw"
    write_raw(raw, "contacts", [
        ("k1", "k1@example.com", "2024-13-45 10:00:00", "true"),
        ("k2", "k2@example.com", "yesterday", "true"),
        ("k3", "k3@example.com", "2024-02-30", "true"),
    ])
    write_raw(raw, "events", [])
    write_raw(raw, "orders", [])
    result = build(raw, tmp_path / "work")
    assert accounting(result)["contacts"] == (3, 0, 0, 3)
    assert set(segment_contacts(result).values()) == {0}
    text = logged(result)
    assert "segments are empty" in text
    assert "contacts: all 3 raw rows were quarantined (invalid_timestamp: 3)" in text
    assert "k1@example.com" not in text  # the log names reasons, never a row


def test_e_header_only_files_build_green(tmp_path):
    # before: the build failed on shares_add_up_to_one, with no word on why
    raw = tmp_path / "raw"
    for table in ("contacts", "events", "orders"):
        write_raw(raw, table, [])
    result = build(raw, tmp_path / "work")
    assert accounting(result) == {t: (0, 0, 0, 0) for t in ("contacts", "events", "orders")}
    assert as_of(result) == TODAY  # no dated row: the day the build runs
    assert set(segment_contacts(result).values()) == {0}
    text = logged(result)
    assert "segments are empty" in text
    assert "the raw tables hold no rows" in text
