"""ISO 8601 date durations and calendar arithmetic with month-end clamping."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.policy.periods import (
    Period,
    PeriodFormatError,
    add_period,
    cutoff,
    parse_period,
    period_in_words,
)

periods = st.builds(
    Period,
    years=st.integers(0, 50),
    months=st.integers(0, 36),
    weeks=st.integers(0, 10),
    days=st.integers(0, 400),
)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P30D", Period(days=30)),
        ("P6M", Period(months=6)),
        ("P5Y", Period(years=5)),
        ("P1Y6M", Period(years=1, months=6)),
        ("P2W", Period(weeks=2)),
        ("P1Y2M3W4D", Period(1, 2, 3, 4)),
        ("P0D", Period()),
    ],
)
def test_parse_valid_periods(text: str, expected: Period):
    assert parse_period(text) == expected
    assert str(parse_period(text)) == text


@pytest.mark.parametrize(
    "text", ["", "P", "6M", "P6", "PT12H", "P1DT1H", "P1.5Y", "P-1D", "p6m", "P6M1Y", "30 days"]
)
def test_reject_anything_else(text: str):
    with pytest.raises(PeriodFormatError, match="ISO 8601 date duration"):
        parse_period(text)


def test_reject_non_text():
    with pytest.raises(PeriodFormatError, match="got a int"):
        parse_period(30)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        (date(2024, 1, 31), "P1M", date(2024, 2, 29)),  # leap year
        (date(2023, 1, 31), "P1M", date(2023, 2, 28)),
        (date(2023, 8, 31), "P6M", date(2024, 2, 29)),
        (date(2024, 2, 29), "P1Y", date(2025, 2, 28)),
        (date(2024, 3, 31), "P1M", date(2024, 4, 30)),
        (date(2024, 1, 1), "P30D", date(2024, 1, 31)),
        (date(2024, 1, 1), "P2W", date(2024, 1, 15)),
        (date(2024, 1, 31), "P1M1D", date(2024, 3, 1)),
    ],
)
def test_add_period_examples(start: date, period: str, expected: date):
    assert add_period(start, period) == expected


def test_add_period_keeps_the_time_of_a_datetime():
    assert add_period(datetime(2024, 1, 31, 13, 5), "P1M") == datetime(2024, 2, 29, 13, 5)


@given(year=st.integers(1900, 2900))
def test_one_month_from_31_january_is_the_end_of_february(year: int):
    landed = add_period(date(year, 1, 31), "P1M")
    assert landed.month == 2
    assert (landed + timedelta(days=1)).month == 3


@given(start=dates, period=periods)
def test_add_period_never_goes_backwards(start: date, period: Period):
    assert add_period(start, period) >= start


@given(first=dates, second=dates, period=periods)
def test_add_period_keeps_order(first: date, second: date, period: Period):
    low, high = sorted((first, second))
    assert add_period(low, period) <= add_period(high, period)


@given(today=dates, period=periods)
def test_cutoff_is_the_last_anchor_that_is_due(today: date, period: Period):
    last = cutoff(today, period)
    assert add_period(last, period) <= today
    assert add_period(last + timedelta(days=1), period) > today


def test_cutoff_steps_over_clamped_month_ends():
    # 31 Aug + 6 months = 28 Feb, so on 28 Feb 2025 anchors up to 31 Aug 2024 are due.
    assert cutoff(date(2025, 2, 28), "P6M") == date(2024, 8, 31)


@pytest.mark.parametrize(
    ("period", "lang", "words"),
    [
        ("P6M", "en", "6 months"),
        ("P6M", "lv", "6 mēneši"),
        ("P1M", "lv", "1 mēnesis"),
        ("P1Y", "en", "1 year"),
        ("P21Y", "lv", "21 gads"),
        ("P11Y", "lv", "11 gadi"),
        ("P30D", "lv", "30 dienas"),
        ("P1D", "lv", "1 diena"),
        ("P1Y6M", "en", "1 year 6 months"),
        ("P2W", "lv", "2 nedēļas"),
        ("P0D", "en", "0 days"),
    ],
)
def test_period_in_words(period: str, lang: str, words: str):
    assert period_in_words(period, lang) == words


def test_period_in_words_rejects_unknown_language():
    with pytest.raises(ValueError, match="expected one of: en, lv"):
        period_in_words("P1M", "de")
