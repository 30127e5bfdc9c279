"""IBAN: upper case without spaces; stored with any spacing; mentions are whole IBANs."""

from __future__ import annotations

import sqlalchemy as sa

from governance.identity.iban import normalise_iban
from governance.identity.kinds.base import FormField, IdentifierKind, Labels
from governance.identity.kinds.sql import ALL_DASHES, ALL_INVISIBLES, ALL_SPACES, without
from governance.identity.recognisers import recognise


def lookup_expression(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.upper(without(column, ALL_SPACES + ALL_DASHES + ALL_INVISIBLES + "+()./"))


def lookup_values(normalised: str) -> list[str]:
    return [normalised.replace(" ", "").upper()]


def mention_needles(normalised: str) -> list[str]:
    grouped = " ".join(normalised[i : i + 4] for i in range(0, len(normalised), 4))
    return sorted({normalised.lower(), grouped.lower(), grouped.lower().replace(" ", "\u00a0")})


def mention_spans(normalised: str, text: str) -> list[tuple[int, int]]:
    return [
        (span.start, span.end)
        for span in recognise(text, kinds={"iban"})
        if "".join(text[span.start : span.end].split()).upper() == normalised
    ]


KIND = IdentifierKind(
    id="iban",
    labels=Labels(lv="konta numurs (IBAN)", en="bank account (IBAN)"),
    exact=True,
    normaliser=normalise_iban,
    recogniser_kinds=("iban",),
    lookup_expression=lookup_expression,
    lookup_values=lookup_values,
    mention_needles=mention_needles,
    mention_spans=mention_spans,
    form=FormField(
        placeholder="LV00 BANK 0000 0000 0000 0",
        help=Labels(lv="bankas konta numurs (IBAN)", en="bank account number (IBAN)"),
        cli_option="--iban",
    ),
)
