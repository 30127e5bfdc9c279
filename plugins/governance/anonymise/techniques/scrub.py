"""``scrub: [column, ...]``: free text kept with every piece of personal data the recogniser
set finds replaced by ``[kind]`` (the record's own names and its linked persons' included)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import TypeAdapter

from governance.anonymise.scrub import scrub
from governance.anonymise.techniques.base import RowContext


class Scrub:
    name: ClassVar[str] = "scrub"
    config: ClassVar[TypeAdapter] = TypeAdapter(tuple[str, ...])

    def apply(self, config: tuple[str, ...], context: RowContext, out: dict[str, Any]) -> None:
        for column in config:
            out[column] = scrub(context.row.get(column), context.names, context.people)
