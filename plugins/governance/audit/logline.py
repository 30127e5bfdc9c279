"""One readable, PII-free line per engine decision: ``event key=value key2=value2``.

Log lines outlive retention periods and travel to log stores no one erases on request, so they
must not carry personal data. Every value that looks like an identifier (e-mail, LV phone,
personas kods, LV IBAN; see ``governance.identity.detect``) is replaced by ``[redacted]``,
including the leaves of dicts and lists and integers that read like a phone number or code.
Names and addresses cannot be recognised: pass ``subject_ref`` values, never the names.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from governance.identity.detect import contains_identifier

REDACTED = "[redacted]"
#: Longer strings are cut (after the identifier check, which sees the whole value).
MAX_STRING = 200
_BARE = re.compile(r"[^\s=\"'\\]+")
_KEY_UNSAFE = re.compile(r"[^\w.\-]")


def _scrub_text(value: str) -> str:
    if contains_identifier(value):
        return REDACTED
    if len(value) > MAX_STRING:
        return value[: MAX_STRING - 1] + "…"
    return value


def _scrub(value: Any) -> Any:
    """A JSON-ready copy of ``value`` with every identifier-bearing leaf (or key) redacted."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return REDACTED if contains_identifier(str(value)) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {_scrub_text(str(k)): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_scrub(v) for v in items]
    return _scrub_text(str(value))


def _quote_if_needed(text: str) -> str:
    if text and _BARE.fullmatch(text) and text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)


def _has_space(text: str) -> bool:
    return any(ch.isspace() or not ch.isprintable() for ch in text)


def _render(value: Any) -> str:
    scrubbed = _scrub(value)
    if scrubbed is None:
        return "-"
    if isinstance(scrubbed, bool):
        return "true" if scrubbed else "false"
    if isinstance(scrubbed, int | float):
        return repr(scrubbed)
    if isinstance(scrubbed, dict | list):
        text = json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":"))
        # Compact JSON delimits itself; quote it only when a string inside holds whitespace.
        return json.dumps(text, ensure_ascii=False) if _has_space(text) else text
    return _quote_if_needed(scrubbed)


def _key(name: str) -> str:
    return _KEY_UNSAFE.sub("_", name) or "_"


def decision_line(event: str, /, **fields: Any) -> str:
    """Render ``event key=value ...`` with the fields in the order given, identifiers redacted.

    None renders as ``-``, booleans as ``true``/``false``, strings with spaces or quotes are
    JSON-quoted (so a line never spans two lines), dicts and lists as compact JSON (quoted as a
    whole only if they hold whitespace).
    """
    parts = [_quote_if_needed(_scrub_text(str(event)))]
    parts.extend(f"{_key(name)}={_render(value)}" for name, value in fields.items())
    return " ".join(parts)


def log_decision(logger: logging.Logger, event: str, /, **fields: Any) -> str:
    """Log :func:`decision_line` at INFO on ``logger`` and return the line."""
    line = decision_line(event, **fields)
    logger.info("%s", line)
    return line
