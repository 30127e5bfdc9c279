"""E-mail addresses in free text, also written to dodge harvesters and with non-ASCII letters:
``janis@inbox.lv``, ``janis [at] inbox.lv``, ``janis(at)inbox(dot)lv``, ``janis @ inbox.lv``,
``jānis.bērziņš@pasts.lv``, ``janis[et]inbox[punkts]lv`` (Latvian: "et" is the @ sign).

:func:`address_of` turns a found spelling back into ``local@domain`` so a mention can be
compared with a subject's normalised address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.identity.recognisers.base import Examples, Span

KIND = "email"

EXAMPLES = Examples(
    found=(
        ("Lūdzu, sazinieties ar mani: janis.berzins@inbox.lv. Paldies!", "janis.berzins@inbox.lv"),
        ("Rakstiet uz Anna_K+rekini@Pasts.LV", "Anna_K+rekini@Pasts.LV"),
        ("e-pasts: janis [at] inbox.lv", "janis [at] inbox.lv"),
        ("e-pasts: janis(at)inbox(dot)lv", "janis(at)inbox(dot)lv"),
        ("e-pasts janis @ inbox.lv", "janis @ inbox.lv"),
        ("raksti jānis.bērziņš@pasts.lv", "jānis.bērziņš@pasts.lv"),
        ("janis[et]inbox[punkts]lv", "janis[et]inbox[punkts]lv"),
        ("write to janis at inbox dot lv", "janis at inbox dot lv"),
        ("pasts: anna.k\uff20gmail.com", "anna.k\uff20gmail.com"),
    ),
    not_found=(
        "Tikšanās @ 10:00 birojā",
        "look at google.com for more",
        "Cena 5 EUR @ gab.",
        "versija 2.0.1 izlaista",
    ),
)

_LOCAL = r"[\w%+\-](?:[\w.%+\-']*[\w%+\-])?"
_LABEL = r"[^\W_](?:[\w\-]*[^\W_])?"
_BRACKET_AT = r" ?[\[\(\{<] ?(?:at|et) ?[\]\)\}>] ?"
_BRACKET_DOT = r" ?[\[\(\{<] ?(?:dot|punkts|pt) ?[\]\)\}>] ?"
_PLAIN = re.compile(
    r"(?<![\w.%+\-])(" + _LOCAL + r") ?[@\uff20] ?(" + _LABEL + r"(?:\." + _LABEL + r")*\.[^\W\d_]{2,})"
    r"(?![\w\-])",
)
_BRACKETED = re.compile(
    r"(?<![\w.%+\-])(" + _LOCAL + r")" + _BRACKET_AT + r"(" + _LABEL
    + r"(?:(?:\.|" + _BRACKET_DOT + r")" + _LABEL + r")*(?:\.|" + _BRACKET_DOT + r")[^\W\d_]{2,})"
    r"(?![\w\-])",
    re.IGNORECASE,
)
_SPOKEN = re.compile(
    r"(?<![\w.%+\-])(" + _LOCAL + r") (?:at|et) (" + _LABEL + r"(?: (?:dot|punkts) " + _LABEL
    + r")+)(?![\w\-])",
    re.IGNORECASE,
)
_DOT_WORDS = re.compile(r" ?(?:[\[\(\{<] ?(?:dot|punkts|pt) ?[\]\)\}>]| (?:dot|punkts) ) ?", re.I)


def _domain(raw: str) -> str:
    return _DOT_WORDS.sub(".", raw).replace(" ", "")


def address_of(spelling: str) -> str | None:
    """``local@domain`` (lower case) of a spelling :func:`find` reports; None if none."""
    for pattern in (_PLAIN, _BRACKETED, _SPOKEN):
        match = pattern.fullmatch(spelling.strip())
        if match:
            return f"{match.group(1)}@{_domain(match.group(2))}".lower()
    return None


def find(text: str) -> Iterator[Span]:
    if "@" in text or "\uff20" in text:
        for match in _PLAIN.finditer(text):
            yield Span(KIND, match.start(), match.end())
    lowered = text.lower()
    if "at" in lowered or "et" in lowered:
        for match in _BRACKETED.finditer(text):
            yield Span(KIND, match.start(), match.end())
        if " dot " in lowered or " punkts " in lowered:
            for match in _SPOKEN.finditer(text):
                yield Span(KIND, match.start(), match.end())
