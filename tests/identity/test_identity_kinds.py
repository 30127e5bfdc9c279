"""The identifier-kind registry, and what registration and mention matching derive from it."""

from __future__ import annotations

import json

import pytest

from governance.dsr.execute import REDACTED, redact_text
from governance.dsr.identifiers import (
    EXACT_KINDS,
    FIELDS,
    IdentifierErrors,
    load_json,
    parse_identifiers,
)
from governance.errors import ConfigurationError
from governance.identity import kinds
from governance.identity.pseudonym import NORMALISERS
from governance.policy.models import IDENTIFIER_KINDS


def test_every_reader_has_the_registry_s_kinds():
    assert tuple(FIELDS) == kinds.names()
    assert set(NORMALISERS) == set(kinds.names())
    assert EXACT_KINDS == kinds.exact_kinds() == ("email", "phone", "personas_kods", "iban")
    # The policy's column kinds must be the registry's (the policy keeps its own tuple so that
    # parsing a policy does not import the recognisers; this holds them together).
    assert set(IDENTIFIER_KINDS) == set(kinds.names())


def test_an_unknown_kind_lists_the_valid_ones_without_repeating_it():
    with pytest.raises(ConfigurationError) as caught:
        kinds.get("janis@inbox.lv")
    assert "janis" not in str(caught.value)
    for name in kinds.names():
        assert name in str(caught.value)


def test_form_fields_describe_every_kind_in_both_languages():
    fields = kinds.form_fields()
    assert [f["id"] for f in fields] == list(kinds.names())
    for field in fields:
        assert (
            field["label"]["lv"] and field["label"]["en"] and field["cli_option"].startswith("--")
        )
    assert next(f for f in fields if f["id"] == "iban")["exact"] is True


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "janis\x00@inbox.lv", "control characters"),
        ("address", "Brīvībаs iela 1", "one alphabet"),  # Cyrillic а
        ("name", "Jānis Bērziņš\x1b", "control characters"),
        ("email", {"nested": {"deeper": "x"}}, "nested"),
        ("phone", ["29123456"], "nested"),
    ],
)
def test_registration_refuses_control_characters_look_alikes_and_nesting(field, value, message):
    with pytest.raises(IdentifierErrors) as caught:
        parse_identifiers({field: value, "personas_kods": "161175-19997"})
    assert message in caught.value.errors[field]
    assert "Brīv" not in str(caught.value) and "janis" not in str(caught.value)


def test_an_unknown_key_that_looks_like_an_identifier_is_not_repeated():
    with pytest.raises(IdentifierErrors) as caught:
        parse_identifiers({"janis@inbox.lv": "x", "emial": "y", "phone": "29123456"})
    assert "janis" not in str(caught.value)
    assert "unknown key #1" in caught.value.errors
    assert "emial" in caught.value.errors  # a plain typo of a field name is named


def test_deep_json_is_answered_with_a_message_not_a_traceback():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(IdentifierErrors, match="flat JSON object"):
        load_json(deep)
    with pytest.raises(IdentifierErrors, match="expected a JSON object"):
        load_json("{not json")
    assert load_json(json.dumps({"email": "a@b.lv"})) == {"email": "a@b.lv"}


def test_redaction_takes_whole_tokens_and_leaves_other_people_s_text_alone():
    ids = parse_identifiers({"email": "o@inbox.lv", "phone": "+37129123456"})
    text = (
        "Rakstiet o@inbox.lv vai zvaniet 29 12 34 56. Kaimiņa adrese ir leo@inbox.lv, "
        "sūtījums 7729123456 19, tālr. 2912\u00a03456."
    )
    redacted = redact_text(text, ids)
    assert redacted == (
        f"Rakstiet {REDACTED} vai zvaniet {REDACTED}. Kaimiņa adrese ir leo@inbox.lv, "
        f"sūtījums 7729123456 19, tālr. {REDACTED}."
    )
