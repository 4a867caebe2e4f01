"""The holiday calendar in Python, for the sample generator.

The calendar is defined once: the rules in the var occasion_calendar_rules
(dbt_project.yml) and the override seed seeds/reference/occasion_calendar.csv.
dbt generates it in macros/segmentation/occasion_calendar.sql (model
int_occasion_calendar); the generator (segkit/generate.py) plants holiday
shoppers in the same windows, read here from the same two files.
tests/python/test_occasion_calendar.py checks that this module and the model
give the same windows.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT = REPO_ROOT / "dbt_project.yml"
OVERRIDES = REPO_ROOT / "seeds" / "reference" / "occasion_calendar.csv"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def rules(project: Path = PROJECT) -> list[dict]:
    return list(yaml.safe_load(project.read_text())["vars"]["occasion_calendar_rules"])


def anchor_date(rule: dict, year: int) -> dt.date:
    """The rule's anchor day in a year (as occasion_anchor_date in the macro)."""
    month = int(rule["month"])
    if rule.get("day") is not None:
        day = int(rule["day"])
        while True:  # a day the month lacks (February 30) is the month's last day
            try:
                return dt.date(year, month, day)
            except ValueError:
                day -= 1
    weekday = WEEKDAYS.index(rule["weekday"])
    nth = int(rule["nth"])
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    next_month = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    last = next_month - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def windows(years: range | list[int], project: Path = PROJECT, overrides: Path = OVERRIDES) -> list[tuple[str, dt.date, dt.date]]:
    """(occasion, start_date, end_date) for the years, overrides applied, sorted."""
    override_rows = []
    if overrides.exists():
        with overrides.open(newline="") as handle:
            override_rows = [
                (row["occasion"], dt.date.fromisoformat(row["start_date"]), dt.date.fromisoformat(row["end_date"]))
                for row in csv.DictReader(handle)
            ]
    overridden = {(occasion, start.year) for occasion, start, _ in override_rows}
    found = []
    for year in years:
        for rule in rules(project):
            if (rule["occasion"], year) in overridden:
                continue
            anchor = anchor_date(rule, year)
            found.append((rule["occasion"], anchor - dt.timedelta(days=int(rule.get("days_before", 0))),
                          anchor + dt.timedelta(days=int(rule.get("days_after", 0)))))
    wanted = set(years)
    found += [row for row in override_rows if row[1].year in wanted]
    return sorted(found, key=lambda row: (row[1], row[0]))


def write_csv(path: Path, years: range | list[int]) -> Path:
    """The windows as a CSV (occasion, start_date, end_date), the generator's --calendar format."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occasion", "start_date", "end_date"])
        for occasion, start, end in windows(years):
            writer.writerow([occasion, start.isoformat(), end.isoformat()])
    return path
