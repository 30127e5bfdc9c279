"""Deadline arithmetic: one calendar month to answer, at most two more with a recorded reason.

GDPR Art. 12(3). "One month" is a calendar month that ends on the same day of the next month,
or on its last day when that day does not exist (31 January -> 28 or 29 February).
"""

from __future__ import annotations

from datetime import date

from governance.errors import TerminalError
from governance.policy.periods import add_period, parse_period

RESPONSE_PERIOD = "P1M"
MAX_EXTENSION_MONTHS = 2

#: Within this many days of the due date a request is "due soon" (amber in the UI).
DUE_SOON_DAYS = 7


class DeadlineError(TerminalError):
    """An extension the rules do not allow; ``field`` names the input (``months``)."""


def due_date(received: date, period: str = RESPONSE_PERIOD) -> date:
    """The day the answer is due: ``received`` plus one calendar month."""
    return add_period(received, parse_period(period))


def extended_due_date(received: date, months: int, period: str = RESPONSE_PERIOD) -> date:
    """The due date after extending by ``months`` (1 or 2) in total, counted from receipt."""
    if not isinstance(months, int) or not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise DeadlineError(
            f"expected 1 or {MAX_EXTENSION_MONTHS} (GDPR Art. 12(3) allows at most "
            f"{MAX_EXTENSION_MONTHS} further months)",
            field="months",
        )
    base = parse_period(period)
    return add_period(received, parse_period(f"P{base.months + months}M"))


def effective_due(due_on: date, extended_due_on: date | None) -> date:
    return extended_due_on or due_on


def deadline_state(due: date, today: date, *, closed: bool) -> str:
    """``closed``, ``overdue``, ``due_soon`` (within 7 days) or ``open``."""
    if closed:
        return "closed"
    if today > due:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "open"
