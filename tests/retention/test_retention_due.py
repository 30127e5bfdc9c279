"""The due definition and its query window: the window must never call a not-due record due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.policy.periods import Period, add_period
from governance.retention.due import due_window, is_due

periods = st.builds(
    Period,
    years=st.integers(0, 12),
    months=st.integers(0, 30),
    weeks=st.integers(0, 8),
    days=st.integers(0, 400),
).filter(lambda p: p.years or p.months or p.weeks or p.days)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31))


def test_known_examples() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert is_due(datetime(2026, 10, 25, 11, 59), "P30D", now)
    assert not is_due(datetime(2026, 10, 25, 12, 0), "P30D", now)  # exactly 30 days: kept
    assert not is_due(None, "P30D", now)  # no anchor: an open case is never due
    # a date anchor is kept for the whole last day of its period
    assert not is_due(date(2026, 5, 24), "P6M", now)
    assert is_due(date(2026, 5, 23), "P6M", now)
    # month-end clamping: 31 Aug + P6M = 28 Feb
    assert is_due(date(2024, 8, 31), "P6M", datetime(2025, 3, 1, tzinfo=UTC))
    assert not is_due(date(2024, 8, 31), "P6M", datetime(2025, 2, 28, tzinfo=UTC))


@settings(max_examples=600)
@given(period=periods, now=moments, anchor=moments)
def test_window_is_sound_for_datetime_anchors(
    period: Period, now: datetime, anchor: datetime
) -> None:
    window = due_window(period, now)
    certain, possible = window.bounds(date_column=False)
    due = add_period(anchor, period) < now
    assert due == window.is_due(anchor)
    if anchor < certain:
        assert due, "everything below the certain bound must be due"
    if anchor >= possible:
        assert not due, "nothing at or above the possible bound may be due"


@settings(max_examples=600)
@given(period=periods, now=moments, anchor=st.dates(date(2000, 1, 1), date(2040, 12, 31)))
def test_window_is_sound_for_date_anchors(period: Period, now: datetime, anchor: date) -> None:
    window = due_window(period, now)
    certain, possible = window.bounds(date_column=True)
    due = add_period(anchor, period) < now.date()
    assert due == window.is_due(anchor)
    if anchor < certain:
        assert due
    if anchor >= possible:
        assert not due


def test_exact_window_for_day_periods() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    window = due_window("P30D", now)
    assert window.certain == datetime(2026, 10, 25, 12, 0)
    assert window.possible - window.certain == timedelta(days=1)


@settings(max_examples=600)
@given(period=periods, now=moments, first=moments, later_by=st.integers(0, 5 * 24 * 60))
def test_nothing_after_an_anchor_the_window_stops_at_is_due(
    period: Period, now: datetime, first: datetime, later_by: int
) -> None:
    """The page walk stops at the first anchor ``none_due_from`` accepts: no later anchor may be
    due, however the month-end clamps reorder times within a day."""
    window = due_window(period, now)
    later = first + timedelta(minutes=later_by)
    if window.none_due_from(first):
        assert not window.is_due(first)
        assert not window.is_due(later)
