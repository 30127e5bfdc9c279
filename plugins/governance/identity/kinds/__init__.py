"""The identifier-kind registry: one module per kind, each declaring a
:class:`~governance.identity.kinds.base.IdentifierKind`.

Public API for every reader (engine, CLI, the Privacy page):

* :data:`KINDS`: id -> kind, in form order; :func:`names`; :func:`get` (an unknown id raises
  :class:`ConfigurationError` listing the valid ones);
* :func:`exact_kinds`: the kinds that single a person out on their own;
* :func:`form_fields`: what a form or CLI needs to show a field per kind (labels, input type,
  placeholder, help, CLI option), never a value.

A new kind is one module here plus its tests; the policy's ``identifier:`` values, registration,
``subject_ref``, lookups and mentions pick it up from :data:`KINDS`.
"""

from __future__ import annotations

from typing import Any

from governance.errors import ConfigurationError
from governance.identity.kinds import address, email, iban, name, personas_kods, phone
from governance.identity.kinds.base import FormField, IdentifierKind, Labels

#: Every kind, in the order forms show them.
KINDS: dict[str, IdentifierKind] = {
    module.KIND.id: module.KIND for module in (email, phone, personas_kods, iban, name, address)
}

__all__ = ["KINDS", "FormField", "IdentifierKind", "Labels", "exact_kinds", "form_fields", "get", "names"]


def names() -> tuple[str, ...]:
    return tuple(KINDS)


def get(kind: str) -> IdentifierKind:
    """The kind called ``kind``; an unknown one names the valid ones (and is not repeated when
    it is not a plain identifier: it may be a value typed into the wrong place)."""
    found = KINDS.get(kind) if isinstance(kind, str) else None
    if found is None:
        raise ConfigurationError(
            "unknown identifier kind; expected one of " + ", ".join(KINDS),
            field="identifier kind",
            fix="use one of " + ", ".join(KINDS),
        )
    return found


def exact_kinds() -> tuple[str, ...]:
    return tuple(k for k, kind in KINDS.items() if kind.exact)


def form_fields() -> list[dict[str, Any]]:
    """One description per kind for a form or the CLI: ``id``, ``label`` and ``help`` in lv and
    en, ``input_type``, ``autocomplete``, ``placeholder``, ``cli_option``, ``exact``."""
    return [
        {
            "id": kind.id,
            "label": kind.labels.model_dump(),
            "help": kind.form.help.model_dump(),
            "input_type": kind.form.input_type,
            "autocomplete": kind.form.autocomplete,
            "placeholder": kind.form.placeholder,
            "cli_option": kind.form.cli_option,
            "exact": kind.exact,
        }
        for kind in KINDS.values()
    ]
