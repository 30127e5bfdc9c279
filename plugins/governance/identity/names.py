"""A matching key for names and addresses, so 'Bērziņš', 'BERZINS' and ' berzins ' meet.

Latvian names travel through systems that drop diacritics (print shops, SMS gateways, old
databases) and change case. The key folds both: compatibility decomposition (NFKD), combining
marks dropped, case folded, a few letters without a decomposition transliterated, hyphens and
other punctuation turned into spaces (apostrophes dropped), whitespace collapsed. It is a key
for comparison and pseudonymisation, never a display form.
"""

from __future__ import annotations

import unicodedata

from governance.identity.errors import InvalidIdentifier
from governance.identity.text import canonical_text

KIND = "name"
EXPECTED = "text with at least one letter or digit"

#: Letters that NFKD does not decompose to a base letter plus marks (after case folding).
_TRANSLITERATE = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ŧ": "t"}
)
_APOSTROPHES = frozenset("'\u2019\u02bc\u2018`\u00b4")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


def _char_key(ch: str) -> str:
    if ch in _APOSTROPHES:
        return ""
    category = unicodedata.category(ch)
    if category[0] in "LN":
        return ch
    # Punctuation, symbols, separators, controls and anything unassigned: a word break.
    return " "


def _key_once(text: str) -> str:
    folded = _fold(_fold(text).casefold().translate(_TRANSLITERATE))
    return " ".join("".join(_char_key(ch) for ch in folded).split())


def name_key(text: str) -> str:
    """The comparison key of a name or address; InvalidIdentifier if nothing would remain."""
    if not isinstance(text, str):
        raise InvalidIdentifier(KIND, EXPECTED)
    key = _key_once(canonical_text(text))
    # Case folding can expose new decompositions; repeat to a fixed point so the key is stable.
    for _ in range(3):
        again = _key_once(key)
        if again == key:
            break
        key = again
    if not key:
        raise InvalidIdentifier(KIND, EXPECTED)
    return key
