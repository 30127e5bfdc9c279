"""Find identifiers inside free text (message bodies, extracted document text, log values).

Used two ways: to keep personal data out of log lines (``contains_identifier``) and to scrub
free text when anonymising (``find_identifier_spans``). It errs towards finding too much: a
bare 8-digit number starting with 2 or 6 is taken for a Latvian phone number. Old-format
personas kodi must pass the check digit and date test, which removes most 11-digit numbers
that are not codes. Names and addresses cannot be found this way; pass ``subject_ref`` values
instead of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.identity.errors import InvalidIdentifier
from governance.identity.personas_kods import normalise_personas_kods

#: Kinds this module can report.
KINDS = ("email", "phone", "personas_kods", "iban")

# Not glued to a preceding word, sign, or decimal number; not continued by one, nor by a
# hyphenated word (the first group of a UUID such as a request id is 8 hex digits).
_START = r"(?<![\w+\-/])(?<!\d[.,])"
_END = r"(?!\w)(?![.,\-/]\d)(?!-\w)"

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[^\W_][\w-]*\.)+[^\W\d_]{2,}(?![\w-])")
_PHONE_PREFIXED = re.compile(
    r"(?<![\w+])(?:\(\s*)?(?:\+|00)\s*371(?:\s*\))?[\s.\-/]*(?:\d[\s.\-]?){7}\d(?!\d)"
)
_PHONE_BARE = re.compile(
    _START + r"(?:[26]\d{7}|[26]\d[ \-]\d{3}[ \-]\d{3}|[26]\d{3} \d{4})" + _END
)
_PERSONAS_KODS = re.compile(_START + r"\d{6}-?\d{5}" + _END)
_IBAN = re.compile(r"(?<![A-Za-z0-9])LV\d{2} ?[A-Z]{4}(?: ?\d){13}(?![A-Za-z0-9])", re.IGNORECASE)


def _is_personas_kods(candidate: str) -> bool:
    try:
        normalise_personas_kods(candidate)
    except InvalidIdentifier:
        return False
    return True


def _candidates(text: str) -> Iterator[tuple[str, int, int]]:
    for match in _EMAIL.finditer(text):
        yield "email", match.start(), match.end()
    for pattern in (_PHONE_PREFIXED, _PHONE_BARE):
        for match in pattern.finditer(text):
            yield "phone", match.start(), match.end()
    for match in _PERSONAS_KODS.finditer(text):
        if _is_personas_kods(match.group()):
            yield "personas_kods", match.start(), match.end()
    for match in _IBAN.finditer(text):
        yield "iban", match.start(), match.end()


def find_identifier_spans(text: str) -> list[tuple[str, int, int]]:
    """Non-overlapping ``(kind, start, end)`` spans in text order; on overlap the earlier, then
    the longer, match wins (an IBAN or e-mail address swallows the digits inside it)."""
    if not isinstance(text, str):
        raise TypeError("find_identifier_spans expects text (str)")
    spans: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(_candidates(text), key=lambda c: (c[1], -c[2])):
        if spans and start < spans[-1][2]:
            continue
        spans.append((kind, start, end))
    return spans


def identifier_kinds_in(text: str) -> set[str]:
    """The kinds of identifier found in ``text`` (a subset of ``KINDS``)."""
    return {kind for kind, _, _ in find_identifier_spans(text)}


def contains_identifier(text: str) -> bool:
    """True if ``text`` holds an e-mail, LV phone, personas kods or LV IBAN anywhere."""
    return bool(find_identifier_spans(text))
