"""ISO 8601 date durations (``PnYnMnWnD``) and calendar arithmetic on them.

Retention periods are written the way lawyers count: "6 months after the competition ends" means
the same day six months later, and a month that has no such day ends on its last day
(31 January + P1M = 28 or 29 February). ``dateutil.relativedelta`` does exactly that clamping.
Time parts (``PT12H``) are rejected: a retention period is counted in calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from dateutil.relativedelta import relativedelta

D = TypeVar("D", date, datetime)

_PATTERN = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

#: The expected form, quoted in every error message about a period.
EXPECTED_FORM = "an ISO 8601 date duration PnYnMnWnD, e.g. P30D, P6M, P5Y or P1Y6M (no time part)"


class PeriodFormatError(ValueError):
    """The text is not an ISO 8601 date duration; the message gives the expected form."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: years, months, weeks and days, as written (P12M is not folded into P1Y)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = [
            f"{value}{unit}"
            for value, unit in (
                (self.years, "Y"),
                (self.months, "M"),
                (self.weeks, "W"),
                (self.days, "D"),
            )
            if value
        ]
        return "P" + ("".join(parts) or "0D")

    def as_relativedelta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, weeks=self.weeks, days=self.days)


def parse_period(text: str) -> Period:
    """Parse ``PnYnMnWnD`` (at least one part); raise :class:`PeriodFormatError` otherwise."""
    if not isinstance(text, str):
        raise PeriodFormatError(f"expected {EXPECTED_FORM}; got a {type(text).__name__}")
    match = _PATTERN.match(text.strip())
    if match is None or not any(match.groups()):
        raise PeriodFormatError(f"{text!r} is not {EXPECTED_FORM}")
    years, months, weeks, days = (int(group) if group else 0 for group in match.groups())
    return Period(years=years, months=months, weeks=weeks, days=days)


def _as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def add_period(start: D, period: Period | str) -> D:
    """``start`` plus ``period`` in calendar arithmetic, clamping to the end of a short month."""
    return start + _as_period(period).as_relativedelta()


def cutoff(today: date, period: Period | str) -> date:
    """The latest anchor date whose period has ended by ``today``.

    A record is due when ``add_period(anchor, period) <= today``. Because of month-end clamping,
    ``today - period`` is not always that boundary (31 Aug + P6M = 28 Feb, but 28 Feb - P6M =
    28 Aug), so step forward over the clamped days. Use it as ``anchor <= cutoff(today, period)``
    in a query; anchors that are datetimes compare on their date.
    """
    parsed = _as_period(period)
    if isinstance(today, datetime):
        today = today.date()
    candidate = today - parsed.as_relativedelta()
    while add_period(candidate + timedelta(days=1), parsed) <= today:
        candidate += timedelta(days=1)
    while add_period(candidate, parsed) > today:  # never true with relativedelta; kept as a guard
        candidate -= timedelta(days=1)
    return candidate


_WORDS = {
    "en": {
        "years": ("year", "years"),
        "months": ("month", "months"),
        "weeks": ("week", "weeks"),
        "days": ("day", "days"),
    },
    "lv": {
        "years": ("gads", "gadi"),
        "months": ("mēnesis", "mēneši"),
        "weeks": ("nedēļa", "nedēļas"),
        "days": ("diena", "dienas"),
    },
}


def _singular(value: int, lang: str) -> bool:
    if lang == "lv":  # Latvian: numbers ending in 1, except those ending in 11, take the singular
        return value % 10 == 1 and value % 100 != 11
    return value == 1


def period_in_words(period: Period | str, lang: str = "en") -> str:
    """``P6M`` -> ``6 months`` / ``6 mēneši``; ``P1Y6M`` -> ``1 year 6 months`` / ``1 gads 6 mēneši``."""
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(sorted(_WORDS))}")
    parsed = _as_period(period)
    words = []
    for unit in ("years", "months", "weeks", "days"):
        value = getattr(parsed, unit)
        if value:
            one, many = _WORDS[lang][unit]
            words.append(f"{value} {one if _singular(value, lang) else many}")
    if not words:
        return f"0 {_WORDS[lang]['days'][1]}"
    return " ".join(words)
