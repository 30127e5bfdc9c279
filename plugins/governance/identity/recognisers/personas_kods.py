"""Personas kods in free text, both formats, with any separator between the two parts.

Checksum-aware: eleven digits as 6 + 5 are a ``personas_kods`` when they are a valid code (an
old-format code with its date, century and check digit right, or a post-2017 code
``3[2-9]XXXX-XXXXX``). When the first six digits are a real date and the century digit is 1 or
2 but the check digit is wrong, it is reported as ``invalid_personas_kods``: most likely a
mistyped code, so it is scrubbed too, but not called a code. Any other 6 + 5 shape (an invoice
number ``202311-00042``: month 23) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.identity.personas_kods import (
    CENTURIES,
    _old_format_birth_date,
    old_format_check_digit,
)
from governance.identity.recognisers.base import NUMBER_END, NUMBER_START, Examples, Span

KIND = "personas_kods"
INVALID = "invalid_personas_kods"

EXAMPLES = Examples(
    found=(
        ("Personas kods: 161175-19997.", "161175-19997"),
        ("p.k. 16117519997, Rīga", "16117519997"),
        ("kods 161175 19997 ir mans", "161175 19997"),
        ("kods 161175 - 19997 ir mans", "161175 - 19997"),
        ("kods 161175\u201319997 (en dash)", "161175\u201319997"),
        ("kods 161175\u201119997 (non-breaking hyphen)", "161175\u201119997"),
        ("kods 161175\u00a019997", "161175\u00a019997"),
        ("Jaunais kods 321234-56789 izsniegts 2018. gadā", "321234-56789"),
        ("jaunais 32123456789.", "32123456789"),
    ),
    not_found=(
        "Rēķins Nr. 202311-00042 apmaksāts",
        "Pasūtījums 31027510000",  # 31 February
        "kods32123456789",
        "Kopā 123456789012 baiti.",
    ),
)

_SHAPE = re.compile(NUMBER_START + r"(\d{6})(?: ?- ?| )?(\d{5})" + NUMBER_END)
_NEW_FORMAT = re.compile(r"3[2-9]\d{9}")


def classify(digits: str) -> str | None:
    """``personas_kods``, ``invalid_personas_kods`` or None for eleven digits."""
    if _NEW_FORMAT.fullmatch(digits):
        return KIND
    born = _old_format_birth_date(digits)
    if born is None:
        return None
    if old_format_check_digit(digits[:10]) == int(digits[10]):
        return KIND
    # A wrong check digit on a real date: a mistyped code, unless the century is the 1800s
    # (nobody alive), where an invoice or order number is the likelier reading.
    return INVALID if digits[6] in CENTURIES and digits[6] != "0" else None


def find(text: str) -> Iterator[Span]:
    for match in _SHAPE.finditer(text):
        kind = classify(match.group(1) + match.group(2))
        if kind is not None:
            yield Span(kind, match.start(), match.end())
