"""The holiday calendar is defined once (the var occasion_calendar_rules and
the override seed) and computed twice: by dbt (int_occasion_calendar, for the
occasion segment) and by segkit/occasion_calendar.py (for the generator, which
plants holiday shoppers in the same windows). They must agree, year by year,
including years far from the sample (no year cutoff: 1970 and 2099).
"""
from __future__ import annotations

import datetime as dt

import pytest

from sample_build import reader, sample_database
from segkit import occasion_calendar


@pytest.fixture(scope="module")
def model_windows(tmp_path_factory):
    sample = reader(sample_database(tmp_path_factory.mktemp("calendar")))
    rows = sample.query("select occasion, start_date, end_date from main_intermediate.int_occasion_calendar")
    return {(row["occasion"], row["start_date"], row["end_date"]) for row in rows}


@pytest.mark.parametrize("year", [1970, 2019, 2024, 2029, 2099])
def test_python_calendar_equals_the_model(model_windows, year):
    python = set(occasion_calendar.windows([year]))
    model = {row for row in model_windows if row[1].year == year}
    assert python == model
    assert len(python) == 5, "five occasions a year by default"


def test_known_dates():
    found = {occasion: (start, end) for occasion, start, end in occasion_calendar.windows([2029])}
    # Thanksgiving 2029 is Thursday November 22; Cyber Monday November 26
    assert found["black_friday_cyber_monday"] == (dt.date(2029, 11, 22), dt.date(2029, 11, 26))
    # Mother's Day (US) 2029 is Sunday May 13
    assert found["mothers_day"] == (dt.date(2029, 5, 7), dt.date(2029, 5, 13))
    # Labor Day 2029 is Monday September 3
    assert found["back_to_school"] == (dt.date(2029, 8, 25), dt.date(2029, 9, 3))
