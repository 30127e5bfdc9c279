"""IBANs: one spelling (no spaces, upper case) after the ISO 13616 mod-97 check.

Only Latvian IBANs are accepted for now: the company and its clients bill through Latvian
accounts, and a length table per country is needed to validate any other. Add the country to
``LENGTHS`` (and ``BBAN_SHAPES`` if it has a fixed shape) to accept it.
"""

from __future__ import annotations

import re

from governance.identity.errors import InvalidIdentifier
from governance.identity.text import compact as compact_text

KIND = "iban"
EXPECTED = "a Latvian IBAN, LV + 2 check digits + 4-letter bank code + 13 characters (21 in all)"

#: Country -> total IBAN length.
LENGTHS = {"LV": 21}
#: Country -> the shape of the BBAN (everything after the check digits).
BBAN_SHAPES = {"LV": re.compile(r"[A-Z]{4}[A-Z0-9]{13}", re.ASCII)}

_GENERIC = re.compile(r"([A-Z]{2})([0-9]{2})([A-Z0-9]+)", re.ASCII)


def iban_mod97(iban: str) -> int:
    """The ISO 7064 MOD 97-10 remainder of an upper-case IBAN; a valid IBAN gives 1."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97


def normalise_iban(text: str) -> str:
    """Remove spaces, upper-case, check the country's length and shape and the mod-97 sum."""
    if not isinstance(text, str):
        raise InvalidIdentifier(KIND, EXPECTED)
    compact = compact_text(text).upper()
    match = _GENERIC.fullmatch(compact)
    if match is None:
        raise InvalidIdentifier(KIND, EXPECTED)
    country = match.group(1)
    if LENGTHS.get(country) != len(compact):
        raise InvalidIdentifier(KIND, EXPECTED)
    shape = BBAN_SHAPES.get(country)
    if shape is not None and not shape.fullmatch(match.group(3)):
        raise InvalidIdentifier(KIND, EXPECTED)
    if iban_mod97(compact) != 1:
        raise InvalidIdentifier(KIND, EXPECTED)
    return compact
