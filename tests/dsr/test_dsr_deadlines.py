"""Deadline arithmetic: one calendar month, month ends clamp, extensions at most two months."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.policy.deadlines import (
    DeadlineError,
    deadline_state,
    due_date,
    extended_due_date,
)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_one_calendar_month(received, due):
    assert due_date(received) == due


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_due_date_is_same_day_next_month_or_its_last_day(received):
    due = due_date(received)
    year, month = (
        (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    )
    last = calendar.monthrange(year, month)[1]
    assert (due.year, due.month) == (year, month)
    assert due.day == min(received.day, last)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from([1, 2]))
def test_extension_adds_whole_months_from_receipt(received, months):
    extended = extended_due_date(received, months)
    assert extended > due_date(received)
    assert (extended.year * 12 + extended.month) - (
        received.year * 12 + received.month
    ) == 1 + months


@pytest.mark.parametrize("months", [0, 3, -1])
def test_extension_beyond_two_months_is_refused(months):
    with pytest.raises(DeadlineError, match=r"^expected 1 or 2 \(GDPR Art. 12\(3\)") as caught:
        extended_due_date(date(2026, 1, 10), months)
    assert caught.value.field == "months"  # the CLI says --months, the page its months field


def test_deadline_states():
    due = date(2026, 12, 20)
    assert deadline_state(due, date(2026, 12, 21), closed=False) == "overdue"
    assert deadline_state(due, date(2026, 12, 14), closed=False) == "due_soon"
    assert deadline_state(due, date(2026, 12, 1), closed=False) == "open"
    assert deadline_state(due, date(2027, 1, 1), closed=True) == "closed"
