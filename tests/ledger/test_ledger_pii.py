"""Ledger.append refuses personal data in any field, names the field and never the value."""

from __future__ import annotations

import uuid

import pytest

from governance.audit.ledger import Ledger
from governance.identity import old_format_check_digit
from governance.store import open_store


def _personas_kods() -> str:
    first_ten = "1502851234"
    return f"{first_ten[:6]}-{first_ten[6:]}{old_format_check_digit(first_ten)}"


PERSONAL = {
    "email": "janis.berzins@example.lv",
    "phone": "+371 29123456",
    "personas_kods": _personas_kods(),
    "iban": "LV80BANK0000435195001",
}


@pytest.fixture
def ledger(new_database) -> Ledger:
    return Ledger(open_store(new_database("gov")))


def _cases(value: str) -> list[tuple[dict, str]]:
    return [
        ({"actor": value}, "actor"),
        ({"event": f"sent to {value}"}, "event"),
        ({"purpose": value}, "purpose"),
        ({"rule": value}, "rule"),
        ({"request_id": value}, "request_id"),
        ({"detail": {"note": f"contact {value}"}}, "detail.note"),
        ({"detail": {"rows": [{"who": value}]}}, "detail.rows[0].who"),
        ({"detail": {value: 1}}, "detail key"),
        ({"counts": {value: 1}}, "counts key"),
    ]


@pytest.mark.parametrize("kind", sorted(PERSONAL))
def test_append_refuses_identifiers_in_every_text_field(ledger, kind):
    value = PERSONAL[kind]
    for overrides, field in _cases(value):
        arguments = {"event": "dsr.registered", "actor": "dpo", **overrides}
        event = arguments.pop("event")
        actor = arguments.pop("actor")
        with pytest.raises(ValueError) as caught:
            ledger.append(event, actor, **arguments)
        message = str(caught.value)
        assert repr(field) in message, (field, message)
        assert value not in message
        assert kind in message
    assert ledger.count() == 0
    assert ledger.verify().ok


def test_pseudonyms_and_uuids_are_accepted(ledger):
    many_uuids = [str(uuid.uuid4()) for _ in range(2000)]
    entry = ledger.append(
        "dsr.registered",
        "dpo",
        request_id=many_uuids[0],
        detail={"subject_ref": "sr_" + "0123456789abcdef" * 2, "ids": many_uuids},
    )
    assert entry.request_id == many_uuids[0]
    assert ledger.verify().ok
