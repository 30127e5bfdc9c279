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
    for value in sorted(
        {v.strip() for v in known if v and len(v.strip()) >= 3}, key=len, reverse=True
    ):
        for variant in sorted(set(name_variants(value)), key=len, reverse=True):
            out = re.sub(re.escape(variant), "[name]", out, flags=re.IGNORECASE)
    return out
