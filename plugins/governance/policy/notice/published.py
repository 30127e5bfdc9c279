"""A published notice as lines of text, and the Latvian words that state periods and bases.

Quotes are compared after whitespace is normalised (runs of spaces, tabs and no-break spaces
count as one space; list markers "- " and "• " at the start of a line are not part of a
statement), so a re-flowed copy of the same text is the same text. Where a quote no longer
matches, the closest passage is found with RapidFuzz (its partial ratio aligns the quote with
the part of a line it best matches) so the check can say what the notice now says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from governance.errors import ConfigurationError
from governance.policy.periods import Period

_SPACE = re.compile(r"\s+")
_MARKER = re.compile(r"^[-•]\s+")
#: What is left of a line when nothing of it needs a statement: punctuation and spaces.
_ONLY_PUNCTUATION = re.compile(r"^[\W_]*$")
#: How close (0-100, RapidFuzz partial ratio) a passage must be to count as a changed quote.
CLOSE_ENOUGH = 75.0


def normalise(text: str) -> str:
    """Whitespace runs (no-break spaces too) as one space, no list marker, trimmed."""
    return _MARKER.sub("", _SPACE.sub(" ", text.replace("\xa0", " ")).strip())


@dataclass(frozen=True)
class Located:
    """Where a quote stands in the published text: exactly, or as a changed passage."""

    line: int
    start: int
    end: int
    passage: str
    exact: bool
    score: float


class PublishedNotice:
    """The lines of a published notice (1-based numbers, as an editor shows them)."""

    def __init__(self, text: str) -> None:
        self.lines: dict[int, str] = {}
        for number, raw in enumerate(text.split("\n"), start=1):
            line = normalise(raw)
            if line:
                self.lines[number] = line

    @classmethod
    def read(cls, path: str | Path) -> PublishedNotice:
        file = Path(path)
        try:
            return cls(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigurationError(
                "the published notice is not there",
                field="published",
                fix="give the path of the published notice's text (UTF-8)",
            ) from None
        except UnicodeDecodeError:
            raise ConfigurationError(
                "the published notice is not UTF-8 text",
                field="published",
                fix="save the notice's text as UTF-8",
            ) from None

    def find(self, quote: str, near: int | None = None) -> Located | None:
        """The quote verbatim (on ``near`` first, then anywhere), else its closest passage."""
        quote = normalise(quote)
        order = sorted(self.lines, key=lambda n: (n != near, n))
        for number in order:
            start = self.lines[number].find(quote)
            if start >= 0:
                return Located(number, start, start + len(quote), quote, True, 100.0)
        best: Located | None = None
        for number in order:
            line = self.lines[number]
            if len(line) < len(quote):
                # A shorter line can only be the whole (shortened) statement: compare whole to
                # whole, or a one-word line would "contain" every quote that mentions it.
                score, start, end = fuzz.ratio(quote, line), 0, len(line)
            else:
                alignment = fuzz.partial_ratio_alignment(quote, line)
                if alignment is None:
                    continue
                score = alignment.score
                start, end = _widen(line, alignment.dest_start, alignment.dest_end)
            if score >= CLOSE_ENOUGH and (best is None or score > best.score):
                best = Located(number, start, end, line[start:end], False, score)
        return best

    def uncovered(self, covered: dict[int, list[tuple[int, int]]]) -> dict[int, str]:
        """Per line, the text no located statement covers (only lines with words left)."""
        left = {}
        for number, line in self.lines.items():
            keep = [True] * len(line)
            for start, end in covered.get(number, []):
                for i in range(max(start, 0), min(end, len(line))):
                    keep[i] = False
            rest = "".join(ch if k else " " for ch, k in zip(line, keep, strict=True))
            rest = _SPACE.sub(" ", rest).strip()
            if not _ONLY_PUNCTUATION.match(rest):
                left[number] = rest
        return left


def _widen(line: str, start: int, end: int) -> tuple[int, int]:
    """Stretch an aligned span to whole words, so a passage never starts mid-word."""
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    while end < len(line) and not line[end].isspace():
        end += 1
    return start, end


# --- periods in Latvian ----------------------------------------------------------------------

_NUMBER_WORDS = {
    "vien": 1,
    "div": 2,
    "trīs": 3,
    "triju": 3,
    "trim": 3,
    "četr": 4,
    "piec": 5,
    "seš": 6,
    "septiņ": 7,
    "astoņ": 8,
    "deviņ": 9,
}
_TEENS = {"vien": 11, "div": 12, "trīs": 13, "četr": 14, "piec": 15, "seš": 16, "septiņ": 17,
          "astoņ": 18, "deviņ": 19}  # fmt: skip
_TENS = {"desmit": 10, "divdesmit": 20, "trīsdesmit": 30, "četrdesmit": 40, "piecdesmit": 50,
         "sešdesmit": 60, "septiņdesmit": 70, "astoņdesmit": 80, "deviņdesmit": 90}  # fmt: skip
_UNITS = (("gad", "years"), ("mēne", "months"), ("nedēļ", "weeks"), ("dien", "days"))
_PERIOD = re.compile(
    r"\b(\d+|[a-zāčēģīķļņšūž]+)\s+(gad\w*|mēneš\w*|mēnes\w*|nedēļ\w*|dien\w*)", re.IGNORECASE
)


def _number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in _TENS:
        return _TENS[word]
    if word.endswith("padsmit") and word[: -len("padsmit")] in _TEENS:
        return _TEENS[word[: -len("padsmit")]]
    for stem, value in _NUMBER_WORDS.items():
        if word.startswith(stem) and len(word) <= len(stem) + 3:
            return value
    return None


def periods_in(text: str) -> list[tuple[str, Period]]:
    """Every "<number> <unit>" phrase of a Latvian text with its period: "30 dienām" -> P30D,
    "sešus mēnešus" -> P6M, "viena mēneša" -> P1M."""
    found = []
    for match in _PERIOD.finditer(text):
        value = _number(match.group(1))
        if value is None:
            continue
        unit = next(name for stem, name in _UNITS if match.group(2).lower().startswith(stem))
        found.append((match.group(0), Period(**{unit: value})))
    return found


# --- legal bases in Latvian --------------------------------------------------------------------

#: Words that state a basis, in the order they are tried (a phrase naming consent wins).
_BASIS_WORDS = (
    ("piekrišan", "consent"),
    ("vitāl", "vital_interests"),
    ("leģitīm", "legitimate_interests"),
    ("likumīg", "legitimate_interests"),
    ("sabiedrības interesēs", "public_task"),
    ("normatīv", "legal_obligation"),
    ("likum", "legal_obligation"),
    ("juridisk", "legal_obligation"),
    ("līgum", "contract"),
)


def bases_in(text: str) -> list[str]:
    """The legal bases a Latvian passage names, by the words that state them."""
    lowered = text.lower()
    found: list[str] = []
    for word, basis in _BASIS_WORDS:
        if word in lowered and basis not in found:
            found.append(basis)
    return found
