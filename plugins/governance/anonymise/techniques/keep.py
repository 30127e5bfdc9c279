"""``keep: [column, ...]``: kept as it is (the linter refuses it for identifier columns)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import TypeAdapter

from governance.anonymise.techniques.base import RowContext


class Keep:
    name: ClassVar[str] = "keep"
    config: ClassVar[TypeAdapter] = TypeAdapter(tuple[str, ...])

    def apply(self, config: tuple[str, ...], context: RowContext, out: dict[str, Any]) -> None:
        for column in config:
            out[column] = context.row.get(column)
