"""``sensitive: column``: the attribute l-diversity is measured on, kept (and scrubbed like free
text when it is text)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import TypeAdapter

from governance.anonymise.scrub import scrub
from governance.anonymise.techniques.base import RowContext


class Sensitive:
    name: ClassVar[str] = "sensitive"
    config: ClassVar[TypeAdapter] = TypeAdapter(str | None)

    def apply(self, config: str | None, context: RowContext, out: dict[str, Any]) -> None:
        if not config:
            return
        value = context.row.get(config)
        out[config] = (
            scrub(value, context.names, context.people) if isinstance(value, str) else value
        )
