"""Typed JSON for archived rows: what a database row holds comes back as the same Python values.

Plain JSON would turn dates into strings, Decimals into floats and bytes into nothing, so a
restored row would not equal the archived one. Values JSON cannot carry are written as one-key
objects whose key starts with ``$`` (``{"$date": "2024-01-31"}``); a row's own mapping whose keys
start with ``$`` is wrapped in ``{"$map": …}`` so it is never mistaken for a tag. Supported:
None, bool, int, float (also NaN and ±infinity), str, bytes, Decimal, date, datetime (naive or
aware; the UTC offset is kept), time, timedelta, UUID, and lists, tuples and str-keyed mappings of
these. Anything else is refused with the field name and type, never the value.
"""

from __future__ import annotations

import base64
import json
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from governance.errors import TerminalError


class RowCodecError(TerminalError):
    """A value that cannot be archived faithfully; the message names the field and the type."""


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"$float": repr(value)}  # 'nan', 'inf', '-inf'


def encode(value: Any, where: str = "value") -> Any:
    """``value`` as plain JSON data; ``where`` names the field in errors."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, datetime):  # before date: a datetime is a date
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, UUID):
        return {"$uuid": str(value)}
    if isinstance(value, list):
        return [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise RowCodecError(f"{where}: mapping keys must be str, got {type(key).__name__}")
        plain = {k: encode(v, f"{where}.{k}") for k, v in value.items()}
        return {"$map": plain} if any(k.startswith("$") for k in value) else plain
    raise RowCodecError(
        f"{where}: cannot archive a {type(value).__name__}; expected None, bool, int, float, str, "
        "bytes, Decimal, date, datetime, time, timedelta, UUID, or a list/tuple/dict of them"
    )


_TAGS = {
    "$float": float,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$timedelta": lambda parts: timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "$decimal": Decimal,
    "$bytes": lambda text: base64.b64decode(text, validate=True),
    "$uuid": UUID,
}


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, raw),) = value.items()
        if tag in _TAGS:
            return _TAGS[tag](raw)
        if tag == "$tuple":
            return tuple(decode(v) for v in raw)
        if tag == "$map":
            return {k: decode(v) for k, v in raw.items()}
    if any(k.startswith("$") for k in value):
        raise RowCodecError(f"unknown tag among {sorted(k for k in value if k.startswith('$'))}")
    return {k: decode(v) for k, v in value.items()}


def dumps(value: Any, where: str = "value") -> bytes:
    """Compact UTF-8 JSON of :func:`encode` (strict: no bare NaN in the output)."""
    return json.dumps(
        encode(value, where), separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def loads(data: bytes) -> Any:
    """The value :func:`dumps` wrote."""
    return decode(json.loads(data))
