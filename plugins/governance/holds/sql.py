"""Holds as a SQL predicate: which rows of a table some hold *may* cover, for the database to test.

A sweep with holds in force deletes ``due AND NOT kept`` in the database and judges only the
rows ``kept`` selects in Python (:meth:`HoldSet.covers`, the one definition of "covered"). So the
predicate must be a **superset** of the covered rows, never smaller (a covered row outside it
would be deleted unjudged), and as tight as the types allow (every row inside it is read into
Python). It is also never NULL for a row with an anchor, so ``NOT kept`` is its exact complement.

- ``record``: the primary key in the held ids. ``covers`` compares ``str(key)`` with the stored
  id, so an integer key matches only the id's canonical spelling (``"42"``, not ``"042"``).
- ``time_range``: the anchor between the bounds, and each narrowing column equal to its value.
  SQLite keeps datetimes as text in whatever format the writer used (``T`` or a space, with or
  without fractions or an offset), so there the bounds are whole days, widened by one each side,
  compared as text: any spelling of a day falls inside. Elsewhere the bounds are exact. A
  narrowing column whose type SQL cannot compare as ``str()`` does (booleans, decimals, dates) is
  left out of the predicate: wider, and Python decides.
- ``subject``: a ``subject_ref`` is a keyed hash that SQL cannot compute, so the caller finds the
  keys of the subject's rows (see ``retention.selection``) and they join the held ids.

:class:`NotExpressible` says a hold cannot be written for this table (a key of a type whose
``str()`` SQL does not reproduce, a column the table lacks): the caller judges every row instead.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any, Literal

import sqlalchemy as sa

from governance.holds.model import EntityHolds, Hold, as_utc

#: How the anchor column is compared: SQLite's stored text, a date, a naive or a zoned timestamp.
AnchorMode = Literal["sqlite_text", "date", "naive", "aware"]

#: Keys bound one by one up to this many; beyond, one array (PostgreSQL) or JSON text (SQLite).
_INLINE_KEYS = 200


class NotExpressible(Exception):
    """This hold cannot be written as a predicate on this table; judge the rows in Python."""


class _NoMatch:
    """A held id no value of the key column can match (``"042"`` for an integer key)."""


NO_MATCH = _NoMatch()


def key_value(column: sa.ColumnElement, text: str) -> Any:
    """The value of ``column`` whose ``str()`` is ``text``, or :data:`NO_MATCH`.

    Raises NotExpressible for a type whose ``str()`` SQL cannot reproduce exactly."""
    if isinstance(column.type, sa.Integer):
        try:
            value = int(text)
        except ValueError:
            return NO_MATCH
        return value if str(value) == text else NO_MATCH
    if isinstance(column.type, sa.String):
        return text
    raise NotExpressible(f"column {column.name!r} of type {column.type} as text")


def keys_in(column: sa.ColumnElement, keys: Sequence[Any], dialect: str) -> sa.ColumnElement[bool]:
    """``column IN keys``, as one bound parameter when the list is long."""
    if len(keys) <= _INLINE_KEYS:
        return column.in_(list(keys))
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(keys), type_=ARRAY(column.type)))
    if dialect == "sqlite" and all(isinstance(k, int | str) for k in keys):
        import json

        listed = sa.select(sa.column("value")).select_from(
            sa.func.json_each(sa.bindparam(None, json.dumps(list(keys))))
        )
        return column.in_(listed.scalar_subquery())
    return sa.or_(*[column.in_(keys[i : i + 500]) for i in range(0, len(keys), 500)])


def _equals_text(column: sa.ColumnElement, text: str) -> sa.ColumnElement[bool] | None:
    """``str(column) == text`` in SQL, never NULL; None when the type cannot be compared (the
    caller then leaves the condition out, widening the predicate)."""
    try:
        value = key_value(column, text)
    except NotExpressible:
        return None
    if text == "None":  # str(None): an empty column matches too
        return column.is_(None) if value is NO_MATCH else sa.or_(column.is_(None), column == value)
    if value is NO_MATCH:
        return sa.false()
    return sa.and_(column.is_not(None), column == value)


def _range(
    hold: Hold, table: sa.Table, anchor: sa.ColumnElement, mode: AnchorMode
) -> sa.ColumnElement[bool] | None:
    start, end = as_utc(hold.range_from), as_utc(hold.range_to)
    if mode == "sqlite_text":
        text = sa.type_coerce(anchor, sa.String)
        low = (start.date() - timedelta(days=1)).isoformat()
        high = (end.date() + timedelta(days=2)).isoformat()
        conditions = [text >= low, text < high]
    elif mode == "date":  # a day is covered when its midnight is: from's day (or later) to to's
        conditions = [anchor >= start.date(), anchor <= end.date()]
    elif mode == "aware":
        conditions = [anchor >= start, anchor <= end]
    else:
        naive_start, naive_end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        conditions = [anchor >= naive_start, anchor <= naive_end]
    for name, text in hold.where.items():
        if name not in table.c:
            raise NotExpressible(f"table {table.name!r} has no column {name!r}")
        equals = _equals_text(table.c[name], str(text))
        if equals is not None:
            conditions.append(equals)
    return sa.and_(*conditions)


def kept_condition(
    holds: EntityHolds,
    *,
    table: sa.Table,
    key: sa.ColumnElement,
    anchor: sa.ColumnElement,
    mode: AnchorMode,
    subject_keys: Collection[Any] = (),
    dialect: str,
) -> sa.ColumnElement[bool] | None:
    """The predicate (see the module docstring), or None when no row can be covered.

    ``subject_keys``: primary keys of rows a subject hold covers, found by the caller. Raises
    NotExpressible when a hold cannot be written for this table."""
    keys: list[Any] = list(subject_keys)
    for record_id in sorted(holds.record_ids):
        value = key_value(key, record_id)
        if value is not NO_MATCH:
            keys.append(value)
    conditions = []
    if keys:
        conditions.append(keys_in(key, sorted(set(keys), key=repr), dialect))
    for hold in holds.ranges:
        condition = _range(hold, table, anchor, mode)
        if condition is not None:
            conditions.append(condition)
    if not conditions:
        return None
    return sa.or_(*conditions)
