"""``drop: [column, ...]``: the column is left out of the output (its text still names the
persons to scrub from free text elsewhere in the row)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import TypeAdapter

from governance.anonymise.techniques.base import RowContext


class Drop:
    name: ClassVar[str] = "drop"
    config: ClassVar[TypeAdapter] = TypeAdapter(tuple[str, ...])

    def apply(self, config: tuple[str, ...], context: RowContext, out: dict[str, Any]) -> None:
        return None
