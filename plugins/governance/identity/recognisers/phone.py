"""Latvian phone numbers in free text: ``+371`` / ``00371`` and national, any grouping and
separator (``29123456``, ``29 12 34 56``, ``29.12.34.56``, ``2912-3456``, ``(+371) 291 23 456``).

A candidate must have a Latvian number's shape (eight digits, 2… or 6… when written without a
prefix). Eight bare digits are also
what dates and amounts look like, so a national number without a prefix is not a phone when
it reads as a date (``20231115``, ``2023-11-15``, ``29.12.2023``) with no phone word before it
(``tālr.``, ``tel``, ``mob``, ``zvaniet`` ...), or as an amount (``26 500 000 EUR``, ``€ 29 123 456``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from governance.identity.recognisers.base import Examples, Span, cue_before

KIND = "phone"

EXAMPLES = Examples(
    found=(
        ("Mans tālrunis ir +371 29123456, zvaniet vakarā.", "+371 29123456"),
        ("Zvaniet 29123456 darba laikā", "29123456"),
        ("tālr.29123456", "29123456"),
        ("Zvaniet 29 123 456 darba laikā", "29 123 456"),
        ("Zvaniet 2912 3456 darba laikā", "2912 3456"),
        ("mob. 29 12 34 56", "29 12 34 56"),
        ("mob. 29.12.34.56", "29.12.34.56"),
        ("Birojs: 67123456.", "67123456"),
        ("Numurs 00371-2912-3456 vairs nav aktīvs", "00371-2912-3456"),
        ("(+371) 291 23 456 ir mans jaunais numurs", "(+371) 291 23 456"),
        ("Tel.: +37129123456", "+37129123456"),
        ("tālr. 2912\u00a03456", "2912\u00a03456"),
        ("tālrunis 20231115", "20231115"),
    ),
    not_found=(
        "Datums 20231115, rēķins apmaksāts",
        "Līgums noslēgts 2023-11-15.",
        "Termiņš 29.12.2023",
        "Summa 26 500 000 EUR",
        "Versija 2.29123456",
        "Sūtījums 7729123456 19",
        "20622191-ca53-4e1b-9b1a-0123456789ab",
        "manual__2026-12-01T09:01:20.337863+00:00",
        "at 09:01:20.337863",
    ),
)

_GAP = r"(?: ?- ?|[./]| )?"
_PREFIXED = re.compile(
    r"(?<![\w+])(?:\( ?)?(?:\+|00) ?371 ?\)?" + _GAP + r"(\d(?:" + _GAP + r"\d){7})(?!\d)(?![.\-/]\d)"
)
_NATIONAL = re.compile(
    r"(?<![\w+\-/@])(?<!\d[.,:])([26]\d(?:" + _GAP + r"\d){6})(?!\w)(?![.,\-/]\d)(?!-\w)"
)
_CUE = re.compile(
    r"t[āa]lr|tel|mob|phone|zvan|call|numur|sms|whatsapp|kontakt|sazin|number|cell|fax",
    re.IGNORECASE,
)
#: Words before a number that make it a reference, not a phone (invoice, order, contract no.).
_REFERENCE = re.compile(
    r"(?:\bnr\.?|\bno\.|#|\bid|rēķin\w*|rekin\w*|invoice|order|pasūtījum\w*|pasutijum\w*"
    r"|līgum\w*|ligum\w*|sūtījum\w*|sutijum\w*|tracking)(?: nr\.?)?:? ?$",
    re.IGNORECASE,
)
_GROUPS_OF_FOUR = re.compile(r"\d{4} \d{4}")
_FOUR_AFTER = re.compile(r" \d{4}(?!\d)")
_FOUR_BEFORE = re.compile(r"(?<!\d)\d{4} $")
_AMOUNT_AFTER = re.compile(r" ?(?:,\d|eur\b|€|euro|eiro|usd|\$|ls\b|lvl)", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(r"(?:€|eur|usd|\$|summa|sum|amount|total|kopā) ?:? ?$", re.IGNORECASE)


def _valid(national: str) -> bool:
    """Eight digits of a Latvian number's shape (mobile 2…, landline 6…, and after a prefix the
    other ranges). Not ``phonenumbers.is_valid_number``: a number from a range allocated after
    the library's metadata, or mistyped by one digit, is still the person's number."""
    return len(national) == 8 and national[0] in "2345689"


def _date(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def looks_like_date(raw: str) -> bool:
    """Eight digits written as a date: YYYYMMDD, YYYY-MM-DD or DD.MM.YYYY (any separator)."""
    groups = [g for g in re.split(r"[ .\-/]+", raw) if g]
    lengths = [len(g) for g in groups]
    digits = "".join(groups)
    if lengths in ([8], [4, 2, 2]) and _date(int(digits[:4]), int(digits[4:6]), int(digits[6:])):
        return True
    if lengths == [4, 4] and all(g.startswith(("19", "20")) for g in groups):
        return True  # two years ("2021 2022")
    return lengths == [2, 2, 4] and _date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))


def _grouped_like_a_phone(raw: str) -> bool:
    """Eight digits together, or in groups of two to four (``29 12 34 56``, ``291 23 456``):
    not ``20.337863`` (the seconds of a timestamp) or ``2 9123456``."""
    groups = [g for g in re.split(r"[ .\-/]+", raw) if g]
    return len(groups) == 1 or all(2 <= len(g) <= 4 for g in groups)


def _amount(text: str, start: int, end: int) -> bool:
    return bool(_AMOUNT_AFTER.match(text, end)) or bool(
        _AMOUNT_BEFORE.search(text, max(0, start - 12), start)
    )


def find(text: str) -> Iterator[Span]:
    taken: list[tuple[int, int]] = []
    for match in _PREFIXED.finditer(text):
        national = re.sub(r"\D", "", match.group(1))
        if _valid(national):
            taken.append((match.start(), match.end()))
            yield Span(KIND, match.start(), match.end())
    for match in _NATIONAL.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue
        raw = match.group(1)
        if not _grouped_like_a_phone(raw):
            continue
        national = re.sub(r"\D", "", raw)
        if not _valid(national) or _amount(text, start, end):
            continue
        if _REFERENCE.search(text, max(0, start - 12), start):
            continue
        if _GROUPS_OF_FOUR.fullmatch(raw) and (
            _FOUR_AFTER.match(text, end) or _FOUR_BEFORE.search(text, max(0, start - 6), start)
        ):
            continue  # two groups of a longer run of four-digit groups (a card, an account)
        if looks_like_date(raw) and not cue_before(_CUE, text, start):
            continue
        yield Span(KIND, start, end)
