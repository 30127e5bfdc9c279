"""Name: matched against its spelling variants (diacritics kept or dropped, in three cases) on
the column with odd spaces read as plain ones; alone it gives possible matches only."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from governance.identity.kinds.base import FormField, IdentifierKind, Labels
from governance.identity.kinds.sql import spaces_read_plain
from governance.identity.names import name_key


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def variants(text: str) -> list[str]:
    """The spellings a name or address takes across systems: diacritics kept or dropped, as
    written, upper, lower and title case, whitespace collapsed."""
    base = " ".join(text.split())
    out: list[str] = []
    for form in (base, _fold(base)):
        for cased in (form, form.upper(), form.lower(), form.title()):
            if cased not in out:
                out.append(cased)
    return out


def keep_spelling(value: str) -> str:
    """Names keep the spelling given (for display and variants), whitespace collapsed, after
    checking that something would remain of them."""
    name_key(value)
    return " ".join(value.split())


def lookup_expression(column: sa.ColumnElement) -> sa.ColumnElement:
    return spaces_read_plain(column)


KIND = IdentifierKind(
    id="name",
    labels=Labels(lv="vārds, uzvārds", en="name"),
    exact=False,
    normaliser=keep_spelling,
    recogniser_kinds=("name",),
    lookup_expression=lookup_expression,
    lookup_values=variants,
    form=FormField(
        autocomplete="name",
        placeholder="Vārds Uzvārds",
        help=Labels(lv="vārds un uzvārds", en="first name and surname"),
        cli_option="--name",
    ),
)
