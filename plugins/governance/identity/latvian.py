"""Latvian name morphology, just enough to find a name in any of its case forms.

A Latvian first name or surname changes its ending with its case: Jānis, Jāņa, Jānim, Jāni,
Jānī; Bērziņš, Bērziņa, Bērziņam, Bērziņu, Bērziņā, (vocative) Bērziņ; Anna, Annas, Annai, Annu,
Annā; Ilze, Ilzes, Ilzei, Ilzi, Ilzē; and the plural forms name a family (Bērziņi, Bērziņiem).
:func:`forms` gives every such form of one word, *folded* (lower case, diacritics dropped: the
way upper-case, SMS and print systems write names), so a text word matches when its fold is
one of them. Folding also erases most consonant alternations (ņ/n, ļ/l, š/s, ž/z, č/c); the
rest (t/š, d/ž, a labial + j) are added by hand.

The endings are the nominal declensions of the grammar (six declensions, masculine -s, -š, -is,
-us and feminine -a, -e, -s), not a dictionary: a surname never seen before declines too.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

#: Nominative ending (folded) -> endings of the other cases, singular and plural.
_PARADIGMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("is", ("is", "a", "im", "i", "i", "iem", "us", "os", "u")),  # 2nd decl.: Jānis, Lācis
    ("us", ("us", "um", "u", "i", "iem", "os")),  # 3rd decl.: Ingus
    ("s", ("s", "a", "am", "u", "a", "", "i", "iem", "us", "os")),  # 1st: Ozols, Bērziņš
    ("a", ("a", "as", "ai", "u", "am")),  # 4th: Anna, Kalniņa
    ("e", ("e", "es", "ei", "i", "em")),  # 5th: Ilze, Kalne
)
#: Final consonant of a 2nd-declension stem -> its alternation before -a, -u, -i (plural),
#: as it stands after folding (ņ, ļ, š, ž, č fold to n, l, s, z, c and need nothing).
_ALTERNATIONS = {"t": "s", "d": "z", "p": "pj", "b": "bj", "m": "mj", "v": "vj", "f": "fj"}
#: Endings after which a word reads as a declined noun (any case): the shape of a surname.
NOMINAL_ENDINGS = ("s", "a", "u", "am", "ai", "as", "i", "im", "e", "es", "ei", "em", "um", "iem")


#: Letters that lose no mark to NFKD but are written for a base letter (after case folding).
_TRANSLITERATE = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ŧ": "t"}
)


def fold(word: str) -> str:
    """Lower case, diacritics dropped, nothing but letters: ``'Bērziņš'`` -> ``'berzins'``
    (``'LİGA'`` and ``'lıga'`` -> ``'liga'`` too)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_TRANSLITERATE))
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def forms(word: str) -> frozenset[str]:
    """Every folded case form of one name word (the word itself included)."""
    folded = fold(word)
    if len(folded) < 2:
        return frozenset({folded}) if folded else frozenset()
    out = {folded}
    for ending, endings in _PARADIGMS:
        if folded.endswith(ending) and len(folded) > len(ending) + 1:
            stem = folded[: -len(ending)]
            stems = {stem}
            if ending == "is" and stem[-1] in _ALTERNATIONS:
                stems.add(stem[:-1] + _ALTERNATIONS[stem[-1]])
            for base in stems:
                out.update(base + e for e in endings if len(base + e) >= 2)
            break
    return frozenset(out)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Folded case forms of the first names in ``data/first_names.txt``."""
    text = resources.files("governance.identity").joinpath("data/first_names.txt").read_text("utf-8")
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(form for name in names for form in forms(name))


@lru_cache(maxsize=1)
def street_names() -> frozenset[str]:
    """Folded street names of ``data/streets.txt`` (their last word, as it stands before
    ``iela``)."""
    text = resources.files("governance.identity").joinpath("data/streets.txt").read_text("utf-8")
    return frozenset(
        fold(line.split()[-1])
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def looks_declined(folded: str) -> bool:
    """True if a folded word ends like a declined Latvian noun (a surname's shape)."""
    return len(folded) >= 3 and folded.endswith(NOMINAL_ENDINGS)
