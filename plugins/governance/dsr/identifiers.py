"""The identifiers a request names, validated and normalised once, at registration.

Input is a JSON object with any subset of the registry's kinds (:mod:`governance.identity.kinds`:
``email``, ``phone``, ``personas_kods``, ``iban``, ``name``, ``address``). Every field is checked
and every problem reported together, by field name and expected form, never echoing the value;
nothing is stored when any field is wrong. Values are read as the recognisers read text (any
Unicode space, dash or invisible character), and refused when they hold a control character
or a word that mixes scripts (a Cyrillic look-alike letter inside a Latin word).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from governance.errors import TerminalError
from governance.identity import InvalidIdentifier, contains_identifier, name_key, subject_ref
from governance.identity.kinds import KINDS, exact_kinds
from governance.identity.text import control_characters, mixed_script_words

#: Field -> normaliser, from the kind registry. Names and addresses keep the spelling given
#: (for display and matching variants); the others are stored in their canonical form.
FIELDS = {kind: definition.normaliser for kind, definition in KINDS.items()}
#: Identifiers strong enough to single a person out on their own.
EXACT_KINDS = exact_kinds()
MAX_LENGTH = 200
#: Deeper JSON than this is refused before it is parsed into Python objects.
MAX_JSON_DEPTH = 8
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_ -]{0,39}")


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
    unknown = 0
    for field, value in raw.items():
        if field not in FIELDS:
            unknown += 1
            errors[_unknown_key(field, unknown)] = "unknown field; expected one of " + ", ".join(
                FIELDS
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an empty field is simply not given
        if isinstance(value, Mapping | list | tuple):
            errors[field] = "expected text, not a nested object or list"
            continue
        if not isinstance(value, str):
            errors[field] = "expected text"
            continue
        if len(value) > MAX_LENGTH:
            errors[field] = f"expected at most {MAX_LENGTH} characters"
            continue
        if control_characters(value):
            errors[field] = "expected text without control characters"
            continue
        if mixed_script_words(value):
            errors[field] = (
                "expected each word in one alphabet (a letter of another alphabet that looks "
                "alike was found inside a word)"
            )
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


def _unknown_key(field: object, ordinal: int) -> str:
    """How an unknown key is named in an error: itself when it is a plain short name, else
    by position (a key may be a value typed into the wrong place, and is never repeated)."""
    if isinstance(field, str) and _PLAIN_KEY.fullmatch(field) and not contains_identifier(field):
        return field
    return f"unknown key #{ordinal}"


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (JSON), read without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def load_json(text: str) -> Any:
    """Parse identifiers given as JSON text; :class:`IdentifierErrors` for anything that is not
    a reasonable JSON document (never a traceback, never the text)."""
    if not isinstance(text, str | bytes):
        raise IdentifierErrors({"identifiers": "expected JSON text"})
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise IdentifierErrors({"identifiers": "expected JSON text in UTF-8"}) from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise IdentifierErrors(
            {"identifiers": f"expected a flat JSON object (nested at most {MAX_JSON_DEPTH} deep)"}
        )
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise IdentifierErrors({"identifiers": "expected a JSON object" + where}) from None


def parse_corrections(raw: Any) -> Identifiers:
    """Rectification: the corrected values, validated like identifiers (any subset)."""
    return parse_identifiers(raw, require_exact=False)
