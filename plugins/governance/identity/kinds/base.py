"""What an identifier kind declares, once, for every part of the product that reads it.

An :class:`IdentifierKind` is the one place that says, for e-mail, phone, personas kods, IBAN,
name or address: its labels, how a value is normalised, which recogniser spans are this kind,
whether it singles a person out on its own (``exact``), how a stored column is compared in SQL
(the lookup expression and its values, the same text in ``CREATE INDEX`` and in the query),
which substrings pre-select free text that may mention it, how a mention found there is
confirmed, and how a form field or CLI option for it is described. The policy's column kinds,
registration, ``subject_ref``, lookups, mentions, redaction, the CLI and the Privacy page's form
are derived from the registry (:mod:`governance.identity.kinds`).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field


class Labels(BaseModel):
    """A label in both languages of the notice."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lv: str = Field(min_length=1)
    en: str = Field(min_length=1)


class FormField(BaseModel):
    """How a form field or a CLI option for the kind is described (no value ever)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input_type: str = "text"  # the HTML input type
    autocomplete: str = "off"
    placeholder: str = ""  # a shape, never a real value
    help: Labels
    cli_option: str  # e.g. "--personas-kods"


class IdentifierKind(BaseModel):
    """One identifier kind; its behaviour is plain functions so a new kind is one module."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    labels: Labels
    #: True if the value singles a person out on its own (a name needs more).
    exact: bool
    #: Text -> canonical value; raises InvalidIdentifier naming the kind, never the value.
    normaliser: Callable[[str], str]
    #: Recogniser span kinds that are this identifier in free text (empty: none).
    recogniser_kinds: tuple[str, ...] = ()
    #: Column -> its comparable SQL form (an expression index is created on exactly this).
    lookup_expression: Callable[[sa.ColumnElement], sa.ColumnElement]
    #: Normalised value -> the values the lookup expression may take for it.
    lookup_values: Callable[[str], list[str]]
    #: Normalised value -> lower-case substrings a free text mentioning it contains (a LIKE
    #: pre-selection; every candidate is confirmed by ``mention_spans``). Empty: not searched.
    mention_needles: Callable[[str], list[str]] = lambda _value: []
    #: (normalised value, text) -> spans of the text that are this very identifier.
    mention_spans: Callable[[str, str], list[tuple[int, int]]] = lambda _value, _text: []
    form: FormField

    def normalise(self, value: str) -> str:
        return self.normaliser(value)
