"""``generalise: {column: hierarchy}``: the quasi-identifiers, coarsened to the level k-anonymity
needs along a hierarchy of :mod:`governance.anonymise.hierarchies`."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import TypeAdapter

from governance.anonymise.hierarchies import generalise
from governance.anonymise.techniques.base import RowContext


class Generalise:
    name: ClassVar[str] = "generalise"
    config: ClassVar[TypeAdapter] = TypeAdapter(dict[str, str])

    def apply(self, config: dict[str, str], context: RowContext, out: dict[str, Any]) -> None:
        for column, hierarchy in config.items():
            out[column] = generalise(
                hierarchy, context.row.get(column), context.levels.get(column, 0)
            )
