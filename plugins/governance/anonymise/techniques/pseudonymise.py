"""``pseudonymise: {column: output_column}``: a keyed HMAC stand-in (``p_`` + 24 hex), stable
per key and never a plain hash."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

from pydantic import TypeAdapter

from governance.anonymise.techniques.base import RowContext


def pseudonym(value: Any, key: bytes) -> str:
    """A keyed, stable stand-in for a key value (HMAC-SHA256; never a plain hash)."""
    message = b"anonymise\x00" + str(value).encode("utf-8")
    return "p_" + hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


class Pseudonymise:
    name: ClassVar[str] = "pseudonymise"
    config: ClassVar[TypeAdapter] = TypeAdapter(dict[str, str])

    def apply(self, config: dict[str, str], context: RowContext, out: dict[str, Any]) -> None:
        for source, target in config.items():
            out[target] = pseudonym(context.row.get(source), context.key)
