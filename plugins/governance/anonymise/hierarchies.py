"""Generalisation hierarchies: each quasi-identifier coarsens level by level up to ``*``.

Level 0 is the spec's own generalisation (a timestamp becomes its month); each further level
is coarser, and the last is full suppression of that value (``*``). ``kanon`` climbs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from governance.identity import InvalidIdentifier, birth_date_from_personas_kods

SUPPRESSED = "*"

#: Postcode -> region, by the first two digits of LV-NNNN (Latvijas Pasts' numbering).
_REGIONS = {
    "10": "Rīga",
    "11": "Rīga",
    "12": "Rīga",
    "13": "Rīga",
    "14": "Rīga",
    "15": "Rīga",
    "16": "Rīga",
    "20": "Jūrmala",
    "21": "Pierīga",
    "30": "Zemgale",
    "31": "Zemgale",
    "34": "Kurzeme",
    "36": "Kurzeme",
    "38": "Kurzeme",
    "39": "Zemgale",
    "41": "Vidzeme",
    "42": "Vidzeme",
    "43": "Vidzeme",
    "44": "Vidzeme",
    "45": "Vidzeme",
    "46": "Latgale",
    "47": "Latgale",
    "48": "Latgale",
    "50": "Vidzeme",
    "51": "Zemgale",
    "52": "Sēlija",
    "53": "Latgale",
    "54": "Latgale",
    "56": "Latgale",
    "57": "Latgale",
}
_POSTCODE = re.compile(r"LV-?(\d{2})\d{2}", re.IGNORECASE)


def _moment(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _month(value: Any, level: int) -> str:
    moment = _moment(value)
    if moment is None or level >= 3:
        return SUPPRESSED
    if level == 0:
        return f"{moment.year:04d}-{moment.month:02d}"
    if level == 1:
        return f"{moment.year:04d}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment.year:04d}"


def _band(year: int, width: int) -> str:
    start = year - year % width
    return f"{start}-{start + width - 1}"


def _year(value: Any, level: int) -> str:
    moment = _moment(value)
    if moment is None or level >= 3:
        return SUPPRESSED
    return f"{moment.year:04d}" if level == 0 else _band(moment.year, 5 if level == 1 else 10)


def _birth(value: Any) -> date | None:
    try:
        return birth_date_from_personas_kods(str(value)) if value else None
    except InvalidIdentifier:
        return None


def _birth_year(value: Any, level: int) -> str:
    born = _birth(value)
    if born is None or level >= 3:
        return SUPPRESSED
    return f"{born.year}" if level == 0 else _band(born.year, 5 if level == 1 else 10)


def _age_band(value: Any, level: int, today: date | None = None) -> str:
    born = _birth(value)
    if born is None or level >= 3:
        return SUPPRESSED
    today = today or date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    width = (10, 20, 40)[level]
    start = age - age % width
    return f"{start}-{start + width - 1}"


def _region(value: Any, level: int) -> str:
    match = _POSTCODE.search(str(value or ""))
    if match is None or level >= 1:
        return SUPPRESSED
    return _REGIONS.get(match.group(1), "other")


def _municipality(value: Any, level: int) -> str:
    """The address's town: the last comma-separated part that is not a postcode."""
    if not value or level >= 1:
        return SUPPRESSED
    parts = [p.strip() for p in str(value).split(",") if p.strip()]
    towns = [p for p in parts if not _POSTCODE.fullmatch(p) and not any(ch.isdigit() for ch in p)]
    return towns[-1] if towns else SUPPRESSED


def _keep(value: Any, level: int) -> str:
    return SUPPRESSED if level >= 1 or value is None else str(value)


HIERARCHIES: dict[str, tuple[Callable[[Any, int], str], int]] = {
    # kind -> (generalise(value, level), number of levels including the final "*")
    "month": (_month, 4),
    "year": (_year, 4),
    "birth_year_from_personas_kods": (_birth_year, 4),
    "age_band_from_personas_kods": (_age_band, 4),
    "postcode_region": (_region, 2),
    "address_municipality": (_municipality, 2),
    "keep": (_keep, 2),
}


def generalise(kind: str, value: Any, level: int = 0) -> str:
    return HIERARCHIES[kind][0](value, level)


def top_level(kind: str) -> int:
    """The level at which every value is ``*``."""
    return HIERARCHIES[kind][1] - 1
