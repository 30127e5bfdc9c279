"""Free-text scrubbing with Latvian recognisers: identifiers, addresses, and the names the same
record holds.

Identifiers come from :func:`governance.identity.find_identifier_spans` (personas kods in both
formats, +371 phones, e-mail, LV IBAN); street addresses and postcodes by pattern; names and
addresses known for the record (its own columns, or a linked contact) by their spelling
variants, case- and diacritics-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from governance.identity import find_identifier_spans
from governance.sources.lookup import name_variants

_STREET = re.compile(
    r"[A-ZĀČĒĢĪĶĻŅŠŪŽ][\wāčēģīķļņšūž.]*(?: [A-ZĀČĒĢĪĶĻŅŠŪŽ][\wāčēģīķļņšūž.]*)* "
    r"(?:iela|gatve|bulvāris|prospekts|ceļš|laukums|šoseja)\s+\d+[a-zA-Z]?(?:[-/]\d+)?",
)
_POSTCODE = re.compile(r"LV-?\d{4}", re.IGNORECASE)
#: Fail-safe: digit runs shaped like a personas kods or an LV number, even with a bad checksum.
_CODE_LIKE = re.compile(r"(?<!\d)\d{6}-?\d{5}(?!\d)")
_PHONE_LIKE = re.compile(r"(?<!\d)(?:\+?371[ -]?|00371[ -]?)?[26]\d{3}[ -]?\d{4}(?!\d)")


def scrub(text: str | None, known: Iterable[str] = ()) -> str | None:
    """``text`` with identifiers, addresses and the ``known`` names replaced by ``[kind]``."""
    if text is None:
        return None
    out = text
    for kind, start, end in reversed(find_identifier_spans(text)):
        out = out[:start] + f"[{kind}]" + out[end:]
    out = _CODE_LIKE.sub("[personas_kods]", out)
    out = _PHONE_LIKE.sub("[phone]", out)
    out = _STREET.sub("[address]", out)
    out = _POSTCODE.sub("[postcode]", out)
    folded = _fold(out)
    for value in sorted(
        {v.strip() for v in known if v and len(v.strip()) >= 3}, key=len, reverse=True
    ):
        for variant in sorted(set(name_variants(value)), key=len, reverse=True):
            # Compiling a pattern per name and row was nearly all of an anonymising sweep's
            # time; the text rarely holds the name, and when _fold(variant) is not in
            # _fold(text) the case-insensitive pattern cannot match either.
            if _fold(variant) not in folded:
                continue
            out = re.sub(re.escape(variant), "[name]", out, flags=re.IGNORECASE)
            folded = _fold(out)
    return out


def _fold_table() -> dict[int, str]:
    """Characters that ``re.IGNORECASE`` matches with each other but ``str.casefold`` keeps
    apart, mapped to one of them: İ (whose simple lower case, which re uses, is i), and re's
    extra equivalences (i and dotless ı, s and long ſ, …)."""
    table = {0x130: "i"}
    try:
        from re._casefix import _EXTRA_CASES  # Python 3.11+: the table re itself uses
    except ImportError:  # pragma: no cover - a later Python moved it: keep the known pairs
        _EXTRA_CASES = {0x69: (0x131,), 0x131: (0x69,), 0x73: (0x17F,), 0x17F: (0x73,)}
    for lower, others in _EXTRA_CASES.items():
        canonical = chr(min(lower, *others)).casefold()
        for code in (lower, *others):
            table[code] = canonical
    return table


_FOLD = _fold_table()


def _fold(text: str) -> str:
    """A key under which every string ``re.IGNORECASE`` would match has the same spelling."""
    if text.isascii():  # the table maps no ASCII character to another
        return text.casefold()
    return text.translate(_FOLD).casefold()
