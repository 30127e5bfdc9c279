"""Phone: E.164; a stored number with any separator (spaces of any kind, dashes of any kind,
dots, brackets, a ``+``) compares by its digits; mentions are whole numbers in any grouping."""

from __future__ import annotations

import re

import sqlalchemy as sa

from governance.identity.errors import InvalidIdentifier
from governance.identity.kinds.base import FormField, IdentifierKind, Labels
from governance.identity.kinds.sql import ALL_DASHES, ALL_INVISIBLES, ALL_SPACES, without
from governance.identity.phone import normalise_phone
from governance.identity.recognisers import recognise

#: What systems put between a phone number's digits (besides spaces, dashes, invisibles).
SEPARATORS = "+()./"


def lookup_expression(column: sa.ColumnElement) -> sa.ColumnElement:
    return without(column, ALL_SPACES + ALL_DASHES + ALL_INVISIBLES + SEPARATORS)


def lookup_values(normalised: str) -> list[str]:
    digits = normalised.lstrip("+")
    if digits.startswith("371") and len(digits) == 11:
        return [digits[3:], digits, "00" + digits]
    return [digits, "00" + digits]


def _national(normalised: str) -> str:
    digits = normalised.lstrip("+")
    return digits[3:] if digits.startswith("371") else digits


def mention_needles(normalised: str) -> list[str]:
    """The number in the groupings people write (8; 4+4; 3+3+2; 2+3+3; 2+2+2+2), each with a
    space, a non-breaking space, a dash or a dot, or nothing, between the groups."""
    n = _national(normalised)
    if len(n) != 8:
        return [n]
    groupings = ((4, 4), (3, 3, 2), (2, 3, 3), (3, 2, 3), (2, 2, 2, 2))
    needles = {n}
    for grouping in groupings:
        parts, at = [], 0
        for size in grouping:
            parts.append(n[at : at + size])
            at += size
        for separator in (" ", "\u00a0", "-", "."):
            needles.add(separator.join(parts))
    return sorted(needles)


def mention_spans(normalised: str, text: str) -> list[tuple[int, int]]:
    out = []
    for span in recognise(text, kinds={"phone"}):
        raw = re.sub(r"[^\d+]", "", text[span.start : span.end])
        try:
            if normalise_phone(raw) == normalised:
                out.append((span.start, span.end))
        except InvalidIdentifier:
            continue
    return out


KIND = IdentifierKind(
    id="phone",
    labels=Labels(lv="tālrunis", en="phone"),
    exact=True,
    normaliser=normalise_phone,
    recogniser_kinds=("phone",),
    lookup_expression=lookup_expression,
    lookup_values=lookup_values,
    mention_needles=mention_needles,
    mention_spans=mention_spans,
    form=FormField(
        input_type="tel",
        placeholder="+371 2XXXXXXX",
        help=Labels(lv="tālruņa numurs", en="phone number"),
        cli_option="--phone",
    ),
)
