"""Personas kods: ``DDDDDD-DDDDD``; stored with or without a separator of any kind; mentions
are whole codes with any separator."""

from __future__ import annotations

import re

import sqlalchemy as sa

from governance.identity.kinds.base import FormField, IdentifierKind, Labels
from governance.identity.kinds.sql import ALL_DASHES, ALL_INVISIBLES, ALL_SPACES, without
from governance.identity.personas_kods import normalise_personas_kods
from governance.identity.recognisers import recognise


def lookup_expression(column: sa.ColumnElement) -> sa.ColumnElement:
    return without(column, ALL_SPACES + ALL_DASHES + ALL_INVISIBLES + "+()./")


def lookup_values(normalised: str) -> list[str]:
    return [normalised.replace("-", "")]


def mention_needles(normalised: str) -> list[str]:
    first, second = normalised[:6], normalised[7:]
    return sorted({first + second, *(first + sep + second for sep in ("-", " ", "\u00a0", " - "))})


def mention_spans(normalised: str, text: str) -> list[tuple[int, int]]:
    digits = normalised.replace("-", "")
    return [
        (span.start, span.end)
        for span in recognise(text, kinds={"personas_kods", "invalid_personas_kods"})
        if re.sub(r"\D", "", text[span.start : span.end]) == digits
    ]


KIND = IdentifierKind(
    id="personas_kods",
    labels=Labels(lv="personas kods", en="personal code"),
    exact=True,
    normaliser=normalise_personas_kods,
    recogniser_kinds=("personas_kods",),
    lookup_expression=lookup_expression,
    lookup_values=lookup_values,
    mention_needles=mention_needles,
    mention_spans=mention_spans,
    form=FormField(
        placeholder="DDMMGG-XXXXX",
        help=Labels(lv="personas kods (abos formātos)", en="personal code (either format)"),
        cli_option="--personas-kods",
    ),
)
