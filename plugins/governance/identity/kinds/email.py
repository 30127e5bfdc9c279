"""E-mail: lower case, stored spellings with stray whitespace (a CSV import's tab or newline) or
invisible characters compare equal; mentions are whole addresses, also obfuscated."""

from __future__ import annotations

import sqlalchemy as sa

from governance.identity.email_address import normalise_email
from governance.identity.kinds.base import FormField, IdentifierKind, Labels
from governance.identity.kinds.sql import ALL_INVISIBLES, ALL_SPACES, without
from governance.identity.recognisers import email as recogniser
from governance.identity.recognisers import recognise


def lookup_expression(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.lower(without(column, ALL_SPACES + ALL_INVISIBLES))


def _ascii_lower(value: str) -> str:
    """What SQLite's ASCII-only ``lower`` makes of the address written in capitals."""
    return "".join(ch if ch.isascii() else ch.upper() for ch in value)


def lookup_values(normalised: str) -> list[str]:
    values = [normalised.lower()]
    if not normalised.isascii():
        values.append(_ascii_lower(normalised.lower()))
    return values


def mention_needles(normalised: str) -> list[str]:
    """The local part: present in every spelling (``[at]``, ``(dot)``, spaces around ``@``)."""
    local = normalised.rpartition("@")[0]
    return [local.lower()] if local else []


def mention_spans(normalised: str, text: str) -> list[tuple[int, int]]:
    return [
        (span.start, span.end)
        for span in recognise(text, kinds={"email"})
        if recogniser.address_of(text[span.start : span.end]) == normalised.lower()
    ]


KIND = IdentifierKind(
    id="email",
    labels=Labels(lv="e-pasts", en="e-mail"),
    exact=True,
    normaliser=normalise_email,
    recogniser_kinds=("email",),
    lookup_expression=lookup_expression,
    lookup_values=lookup_values,
    mention_needles=mention_needles,
    mention_spans=mention_spans,
    form=FormField(
        input_type="email",
        placeholder="vards@example.lv",
        help=Labels(lv="e-pasta adrese", en="e-mail address"),
        cli_option="--email",
    ),
)
