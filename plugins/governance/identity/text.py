"""One reading of the characters people and systems put between the parts of an identifier.

A phone number pasted from a web page carries non-breaking spaces, a personas kods typed in a
word processor gets an en dash, a CSV import leaves a tab or a newline at the end of an e-mail,
and text copied from a PDF holds zero-width spaces and soft hyphens. Every recogniser, every
lookup expression and every normaliser reads them the same way:

* every Unicode space (``Zs``), tab, newline and line/paragraph separator is a space;
* every dash and minus (hyphen-minus, non-breaking hyphen, figure dash, en and em dash, minus
  sign, ...) is ``-``;
* invisible characters (zero-width spaces and joiners, word joiner, soft hyphen, byte-order
  mark, bidirectional marks) are not there at all.

:func:`canonical` keeps a map back to the original offsets, so a span found in the canonical
text is cut out of the original one. Registration also refuses what no identifier may hold:
control characters and words that mix scripts (Cyrillic look-alikes inside a Latin word).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Characters read as a space (besides every ``Zs`` character).
SPACES = frozenset(
    "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Characters read as ``-``.
DASHES = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
)
#: Characters that are not there (zero-width, joiners, soft hyphen, BOM, direction marks).
INVISIBLES = frozenset(
    "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
#: Control characters a typed or stored identifier may carry around it (read as spaces).
_WHITESPACE_CONTROLS = frozenset("\t\n\v\f\r\u0085")


@lru_cache(maxsize=4096)
def _char(ch: str) -> str:
    """The canonical reading of one non-ASCII character (may be empty)."""
    if ch in INVISIBLES:
        return ""
    if ch in SPACES or unicodedata.category(ch) == "Zs":
        return " "
    if ch in DASHES:
        return "-"
    if unicodedata.category(ch) == "Cf":  # any other format character is invisible too
        return ""
    return ch


_ASCII_SPACES = {ord(c): " " for c in "\t\n\v\f\r"}


def canonical(text: str) -> tuple[str, list[int] | None]:
    """``(canonical text, offsets)``: ``offsets[i]`` is where the canonical character ``i``
    came from in ``text`` (``offsets[len]`` is ``len(text)``); None when they coincide."""
    if text.isascii():
        return text.translate(_ASCII_SPACES), None
    out: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        mapped = (" " if ch in "\t\n\v\f\r" else ch) if ch.isascii() else _char(ch)
        for part in mapped:
            out.append(part)
            offsets.append(index)
    offsets.append(len(text))
    result = "".join(out)
    return result, (None if len(result) == len(text) else offsets)


def canonical_text(text: str) -> str:
    """The canonical text alone (spaces, dashes, invisibles read as above)."""
    return canonical(text)[0]


def original_span(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A span of the canonical text as a span of the original text."""
    if offsets is None:
        return start, end
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1


def compact(text: str) -> str:
    """The canonical text with every space removed and surrounding spaces stripped: what an
    identifier is before its separators are judged (``'29\\u00a012 34'`` -> ``'291234'``)."""
    return canonical_text(text).replace(" ", "")


def control_characters(text: str) -> bool:
    """True if ``text`` holds a control character other than tab, newline and carriage return
    (a NUL, an escape, ...): no identifier has one, and a store may cut the value at it."""
    return any(
        unicodedata.category(ch) == "Cc" and ch not in _WHITESPACE_CONTROLS for ch in text
    )


_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN", "CHEROKEE")


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    return next((script for script in _SCRIPTS if name.startswith(script)), "OTHER")


def mixed_script_words(text: str) -> bool:
    """True if a word of ``text`` mixes letters of two scripts (``Brīvībаs`` with a Cyrillic
    ``а``): the shape of a look-alike, never of a real name or address. A word wholly in
    Cyrillic (a Russian name) is fine."""
    for word in canonical_text(text).split():
        scripts = {s for s in map(_script, word) if s is not None}
        if len(scripts) > 1:
            return True
    return False
