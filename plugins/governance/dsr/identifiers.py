"""The identifiers a request names, validated and normalised once, at registration.

Input is a JSON object with any subset of ``email``, ``phone``, ``personas_kods``, ``name``,
``address`` (and ``iban``). Every field is checked and every problem reported together, by field
name and expected form, never echoing the value; nothing is stored when any field is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from governance.errors import TerminalError
from governance.identity import (
    InvalidIdentifier,
    name_key,
    normalise_email,
    normalise_iban,
    normalise_personas_kods,
    normalise_phone,
    subject_ref,
)

#: Field -> normaliser. Names and addresses keep the spelling given (for display and matching
#: variants); the others are stored in their canonical form.
FIELDS = {
    "email": normalise_email,
    "phone": normalise_phone,
    "personas_kods": normalise_personas_kods,
    "iban": normalise_iban,
    "name": lambda value: " ".join(value.split()) if name_key(value) else value,
    "address": lambda value: " ".join(value.split()) if name_key(value) else value,
}
#: Identifiers strong enough to single a person out on their own.
EXACT_KINDS = ("email", "phone", "personas_kods", "iban")
MAX_LENGTH = 200


class IdentifierErrors(TerminalError):
    """One message per bad field; ``errors`` maps field -> message (no values)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


@dataclass(frozen=True)
class Identifiers:
    """Normalised identifiers of one subject, by kind."""

    values: Mapping[str, str]

    def get(self, kind: str) -> str | None:
        return self.values.get(kind)

    def exact_kinds(self) -> list[str]:
        return [kind for kind in EXACT_KINDS if kind in self.values]

    def subject_refs(self) -> list[str]:
        """Keyed references of every identifier: what the ledger and holds may carry."""
        return sorted(subject_ref(kind, value) for kind, value in self.values.items())

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)


def parse_identifiers(raw: Any, *, require_exact: bool = True) -> Identifiers:
    """Validate and normalise; :class:`IdentifierErrors` names every bad field at once.

    ``require_exact``: at least one identifier that singles a person out (e-mail, phone,
    personas kods, IBAN) must be given; a name alone would only ever give possible matches.
    """
    if not isinstance(raw, Mapping):
        raise IdentifierErrors({"identifiers": 'expected a JSON object such as {"email": ...}'})
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value in raw.items():
        if field not in FIELDS:
            errors[str(field)[:40]] = "unknown field; expected one of " + ", ".join(FIELDS)
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an empty field is simply not given
        if not isinstance(value, str):
            errors[field] = "expected text"
            continue
        if len(value) > MAX_LENGTH:
            errors[field] = f"expected at most {MAX_LENGTH} characters"
            continue
        try:
            values[field] = FIELDS[field](value.strip())
        except InvalidIdentifier as exc:
            errors[field] = f"expected {exc.expected}"
        else:
            if field in ("name", "address") and not name_key(values[field]):
                errors[field] = "expected text with at least one letter"
    if not errors and not values:
        errors["identifiers"] = "expected at least one of " + ", ".join(FIELDS)
    elif not errors and require_exact and not any(kind in values for kind in EXACT_KINDS):
        errors["identifiers"] = (
            "expected at least one of email, phone, personas_kods or iban; a name or address "
            "alone can only give possible matches"
        )
    if errors:
        raise IdentifierErrors(errors)
    return Identifiers(values)


def parse_corrections(raw: Any) -> Identifiers:
    """Rectification: the corrected values, validated like identifiers (any subset)."""
    return parse_identifiers(raw, require_exact=False)
