"""Address: like a name (spelling variants on the column with odd spaces read as plain ones);
with a name it narrows possible matches, alone it finds nobody."""

from __future__ import annotations

from governance.identity.kinds.base import FormField, IdentifierKind, Labels
from governance.identity.kinds.name import keep_spelling, lookup_expression, variants

KIND = IdentifierKind(
    id="address",
    labels=Labels(lv="adrese", en="address"),
    exact=False,
    normaliser=keep_spelling,
    recogniser_kinds=("address",),
    lookup_expression=lookup_expression,
    lookup_values=variants,
    form=FormField(
        autocomplete="street-address",
        placeholder="Iela 1-2, Pilsēta, LV-0000",
        help=Labels(lv="adrese", en="address"),
        cli_option="--address",
    ),
)
