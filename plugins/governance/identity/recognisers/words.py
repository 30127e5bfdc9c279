"""Words of a text with their offsets, and what separates them: the units the name
recognisers read (a name is a run of words, an initial is one letter and a full stop)."""

from __future__ import annotations

import re
from typing import NamedTuple

_WORD = re.compile(r"[^\W\d_]+")


class Word(NamedTuple):
    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        """Title case or all capitals (a proper noun's shape)."""
        return self.text[0].isupper()


def words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def joined(text: str, left: Word, right: Word, *, allow: str = " ") -> bool:
    """True if only the characters of ``allow`` (a space by default) stand between two words."""
    gap = text[left.end : right.start]
    return 0 < len(gap) <= 3 and all(ch in allow for ch in gap)


def initial(text: str, word: Word) -> bool:
    """One capital letter followed by a full stop (``J.`` of ``J. Bērziņš``)."""
    return (
        len(word.text) == 1
        and word.text.isupper()
        and word.end < len(text)
        and text[word.end] == "."
    )
