"""Hold shapes for the property tests: hypothesis strategies, Hold objects, and an oracle.

The oracle decides "held" from the hold's own words (ids compared as text, ranges on the aware
anchor, narrowing columns as text, subjects by keyed reference), independently of the engine's
HoldSet and of its SQL predicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from governance.holds import Hold
from governance.identity import InvalidIdentifier, subject_ref

_NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def hold(hold_id: str, scope_kind: str, **fields: Any) -> Hold:
    values: dict[str, Any] = {
        "id": hold_id,
        "purpose": None,
        "scope_kind": scope_kind,
        "entity": None,
        "record_id": None,
        "subject_ref": None,
        "range_from": None,
        "range_to": None,
        "where": {},
        "reason": "case 1",
        "placed_by": "test",
        "placed_at": _NOW,
        "until": None,
        "released_at": None,
    }
    values.update(fields)
    return Hold(**values)


#: Record ids: canonical, and spellings an integer key never has (``str(1)`` is ``"1"``).
record_ids = st.integers(0, 70).map(str) | st.sampled_from(["01", " 1", "x", "1.0", ""])
#: Narrowing values for an integer column: canonical, never matching, and ``"None"`` (an empty
#: column's ``str()``).
camera_values = st.sampled_from(["1", "2", "3", "03", "None", "camera 1"])
#: Offsets of the hold's bounds: the same moment in another zone compares equal.
zones = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])


#: Six hours: anchors and bounds on this grid meet exactly, often (a bound is inclusive).
GRID = 6 * 60


def minutes_back(minutes: int) -> st.SearchStrategy[int]:
    """Minutes before the fixed clock, up to ``minutes``: mostly on the grid, so that anchors
    fall on hold bounds and on the days they end, sometimes anywhere."""
    on_grid = st.integers(-(minutes // GRID), 0).map(lambda k: k * GRID)
    return on_grid | st.integers(-minutes, 0)


@st.composite
def range_holds(draw, entity: str, minutes: int, column: str | None, values=camera_values):
    """A time range of up to ``minutes`` back from the fixed clock, maybe narrowed."""
    start = draw(minutes_back(minutes))
    length = draw(st.integers(0, minutes // 4 // GRID).map(lambda k: k * GRID) | st.integers(0, 90))
    zone = draw(zones)
    begin = (_NOW + timedelta(minutes=start)).astimezone(zone)
    where = {column: draw(values)} if column and draw(st.booleans()) else {}
    return {
        "scope_kind": "time_range",
        "entity": draw(st.sampled_from([entity, None])),
        "range_from": begin,
        "range_to": begin + timedelta(minutes=length),
        "where": where,
    }


def build(shapes: Iterable[dict[str, Any]], prefix: str) -> list[Hold]:
    shapes = list(shapes)
    return [hold(f"{prefix}{i}", **shape) for i, shape in enumerate(shapes)]


def _aware(value: datetime | date) -> datetime:
    """A datetime anchor as aware UTC; a date anchor is its midnight, UTC."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def refs_of(row: Mapping[str, Any], identifier_columns: Mapping[str, str]) -> set[str]:
    refs = set()
    for column, kind in identifier_columns.items():
        value = row.get(column)
        if value in (None, ""):
            continue
        try:
            refs.add(subject_ref(kind, str(value)))
        except InvalidIdentifier:
            continue
    return refs


def covered(
    holds: Iterable[Hold],
    entity: str,
    row: Mapping[str, Any],
    anchor_column: str,
    identifier_columns: Mapping[str, str] | None = None,
) -> bool:
    """Does any of ``holds`` cover ``row`` of ``entity``? (The oracle.)"""
    refs = refs_of(row, identifier_columns or {})
    for h in holds:
        if h.entity not in (None, entity):
            continue
        if h.scope_kind == "record" and h.record_id == str(row["id"]):
            return True
        if h.scope_kind == "subject" and h.subject_ref in refs:
            return True
        if h.scope_kind == "time_range" and row[anchor_column] is not None:
            moment = _aware(row[anchor_column])
            inside = _aware(h.range_from) <= moment <= _aware(h.range_to)
            if inside and all(str(row.get(c)) == v for c, v in h.where.items()):
                return True
    return False
