"""When is a record due? The one definition every sweep, plan and verification shares.

A record is **due** when its retention period has fully run: ``add_period(anchor, period) < now``
for a datetime anchor, and ``add_period(anchor, period) < now.date()`` for a date anchor (the
record is kept for the whole last day of its period and goes the day after). A record with no
anchor (an open helpdesk case, a contract that has not ended) is never due.

Calendar periods clamp at month ends (31 Aug + P6M = 28 Feb), so ``now - period`` is not an
exact boundary. Queries therefore use a :class:`DueWindow`: every anchor below ``certain`` is
due, no anchor at or above ``possible`` is, and the few rows in between are decided exactly in
Python with :func:`is_due`. The margin is seven days, more than any month-end clamp (three days)
can shift a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from governance.policy.periods import Period, add_period, parse_period

#: Wider than the most a month-end clamp can move a boundary (31 -> 28 is three days).
_MARGIN = timedelta(days=7)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes from the sources are UTC; aware ones are converted."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@lru_cache(maxsize=4096)
def _due_day(day: date, period: Period) -> date:
    """``day + period``. A period has no time part, so a datetime anchor's due moment is this
    day at the anchor's own time; the rows near a boundary share a handful of days, and the
    calendar arithmetic (a fifth of a small sweep's time, once per row) is done once per day."""
    return add_period(day, period)


def _due_moment(anchor: datetime, period: Period) -> datetime:
    anchor = as_utc(anchor)
    return datetime.combine(_due_day(anchor.date(), period), anchor.timetz())


def is_due(anchor: date | datetime | None, period: Period | str, now: datetime) -> bool:
    """The definition above, for one anchor value."""
    if anchor is None:
        return False
    parsed = period if isinstance(period, Period) else parse_period(period)
    now = as_utc(now)
    if isinstance(anchor, datetime):
        return _due_moment(anchor, parsed) < now
    return _due_day(anchor, parsed) < now.date()


@dataclass(frozen=True)
class DueWindow:
    """Bounds for a query on the anchor column (naive UTC datetimes, as the sources store them).

    ``anchor < certain`` is certainly due; ``anchor >= possible`` is certainly not; rows in
    ``[certain, possible)`` need :func:`is_due`.
    """

    period: Period
    now: datetime
    certain: datetime
    possible: datetime

    def is_due(self, anchor: date | datetime | None) -> bool:
        return is_due(anchor, self.period, self.now)

    def none_due_from(self, anchor: date | datetime | None) -> bool:
        """True when neither ``anchor`` nor any later anchor is due.

        Adding a period keeps the order of days but not of times within a day: with a clamp,
        30 Aug 20:00 + P3M = 30 Nov 20:00 while the later 31 Aug 10:00 + P3M = 30 Nov 10:00.
        So the due rows in anchor order are not always a prefix; but once an anchor's due day
        is after today, every later anchor's is too."""
        if anchor is None:
            return False
        if isinstance(anchor, datetime):
            return _due_moment(anchor, self.period).date() > as_utc(self.now).date()
        return not self.is_due(anchor)  # a date anchor: whole days, the order is kept

    def bounds(
        self, *, date_column: bool, aware: bool = False
    ) -> tuple[date | datetime, date | datetime]:
        """``(certain, possible)`` in the column's own type: dates for a date column, aware
        UTC datetimes for a zoned one (PostgreSQL's ``timestamptz``, e.g. the governance
        store's), naive UTC otherwise."""
        if date_column:
            return self.certain.date(), self.possible.date() + timedelta(days=1)
        if aware:
            return self.certain.replace(tzinfo=UTC), self.possible.replace(tzinfo=UTC)
        return self.certain, self.possible


def due_window(period: Period | str, now: datetime) -> DueWindow:
    """The query window for ``period`` at ``now``; exact (no margin) for day and week periods."""
    parsed = period if isinstance(period, Period) else parse_period(period)
    now = as_utc(now)
    boundary = now - parsed.as_relativedelta()
    exact = parsed.years == 0 and parsed.months == 0
    certain = boundary if exact else boundary - _MARGIN
    possible = boundary + timedelta(days=1) if exact else boundary + _MARGIN
    naive = certain.replace(tzinfo=None), possible.replace(tzinfo=None)
    return DueWindow(parsed, now, *naive)
