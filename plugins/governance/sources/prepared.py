"""Read statements compiled once by SQLAlchemy and run on the database driver's own cursor.

Finding one person runs a few dozen small index lookups, each returning keys only. Through
SQLAlchemy's ``Connection.execute`` every one of them pays for the statement cache lookup,
the expansion of ``IN`` lists and the result machinery: at a million subjects, where a common
name matches hundreds of rows, that overhead was more than half the time. Here SQLAlchemy still
writes the SQL (so it is right for SQLite and PostgreSQL alike, and stays parameterised), but
it does so once per statement shape, and the rows come straight from the driver.

``IN`` lists have one bound parameter per value, padded up to a few fixed sizes, so the number
of shapes stays small and every shape is compiled once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

#: The sizes ``IN`` lists are padded to (by repeating their last value, which changes nothing).
IN_SIZES = (1, 2, 4, 8, 16, 64, 256, 500)


def in_size(count: int) -> int:
    """The padded length of an ``IN`` list of ``count`` values (``count`` ≤ 500)."""
    for size in IN_SIZES:
        if count <= size:
            return size
    raise ValueError(f"in_size: at most {IN_SIZES[-1]} values per list, got {count}")


def in_params(name: str, size: int) -> list[sa.BindParameter]:
    """``size`` bound parameters ``name_0 … name_{size-1}`` for one ``IN`` list."""
    return [sa.bindparam(f"{name}_{i}") for i in range(size)]


def in_values(name: str, values: Sequence[Any], size: int) -> dict[str, Any]:
    """The parameters of :func:`in_params` for ``values``, padded to ``size``."""
    if not values:
        raise ValueError(f"in_values: {name!r} needs at least one value")
    padded = list(values) + [values[-1]] * (size - len(values))
    return {f"{name}_{i}": value for i, value in enumerate(padded)}


@dataclass(frozen=True)
class Prepared:
    """One compiled statement: its SQL text in the driver's parameter style."""

    sql: str
    positions: tuple[str, ...] | None  # parameter names in order, for positional styles

    def rows(self, cursor: Any, params: Mapping[str, Any]) -> list[tuple]:
        if self.positions is None:
            cursor.execute(self.sql, dict(params))
        else:
            cursor.execute(self.sql, tuple(params[name] for name in self.positions))
        return cursor.fetchall()


def prepare(statement: sa.Executable, dialect: sa.Dialect) -> Prepared:
    """Compile ``statement`` for ``dialect`` once; literal values stay in the SQL, bound ones
    stay parameters."""
    compiled = statement.compile(dialect=dialect)
    positions = tuple(compiled.positiontup) if compiled.positional else None
    return Prepared(str(compiled), positions)
