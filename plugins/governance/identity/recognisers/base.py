"""What a recogniser is: a kind, a finder over canonical text, and the examples it must get right.

Every recogniser reads the *canonical* text (:mod:`governance.identity.text`: every Unicode
space a space, every dash ``-``, invisible characters gone), so none of them has to know about
non-breaking spaces or en dashes; :func:`governance.identity.recognisers.recognise` maps the
spans back onto the text as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Span(NamedTuple):
    """One finding: its kind and where it is in the text as written (end exclusive)."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Examples:
    """Texts the recogniser must flag (``found``: the text and the part it must cover) and
    texts it must leave alone (``not_found``). Tests run every recogniser's examples."""

    found: tuple[tuple[str, str], ...] = ()
    not_found: tuple[str, ...] = ()


class Recogniser(Protocol):
    """A module that recognises one kind of personal data in free text."""

    KIND: str
    EXAMPLES: Examples

    def find(self, text: str) -> Iterator[Span]:
        """Spans in canonical ``text`` (offsets into it)."""
        ...


_BOUNDARY = re.compile(r".*(?:[!?;]|\.\s+(?=[A-ZĀČĒĢĪĶĻŅŠŪŽ])|\d)", re.DOTALL)


def cue_before(cue: re.Pattern[str], text: str, start: int, window: int = 30) -> bool:
    """True if ``cue`` occurs in the ``window`` characters before ``start`` within the same
    sentence and with no other number in between ("tālr." before a number makes it a phone,
    "auto" a plate), so a phone word of an earlier sentence does not reach a date."""
    begin = max(0, start - window)
    boundary = _BOUNDARY.match(text, begin, start)
    if boundary is not None:
        begin = boundary.end()
    return cue.search(text, begin, start) is not None


#: Not glued to a word, a sign, or the digits of a decimal or dotted number before it.
NUMBER_START = r"(?<![\w+\-/@])(?<!\d[.,])"
#: Not continued by a word, nor by a separator and more digits.
NUMBER_END = r"(?!\w)(?![.,\-/]\d)"
