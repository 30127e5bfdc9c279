"""subject_ref: a keyed, kind-separated pseudonym of the normalised identifier."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.errors import ConfigurationError
from governance.identity import InvalidIdentifier, subject_ref
from governance.identity.pseudonym import KEY_CONN_ID, KEY_ENV, NORMALISERS

KEY = "0123456789abcdef0123456789abcdef"
CONN_VAR = "AIRFLOW_CONN_" + KEY_CONN_ID.upper()
REF = re.compile(r"sr_[0-9a-f]{32}")


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(CONN_VAR, raising=False)
    return KEY


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(CONN_VAR, raising=False)


EQUIVALENTS = {
    "email": ["Janis.Berzins@Inbox.LV", " janis.berzins@inbox.lv "],
    "phone": ["+371 29123456", "29123456", "00371-2912-3456", "(+371) 291 23 456"],
    "personas_kods": ["161175-19997", "16117519997", " 161175-19997 "],
    "name": ["Jānis Bērziņš", "JANIS BERZINS", "  janis   berzins "],
    "address": ["Brīvības iela 5-12, Rīga", "BRIVIBAS IELA 5 12 RIGA"],
    "iban": ["LV80BANK0000435195001", "lv80 bank 0000 4351 9500 1"],
}


@pytest.mark.parametrize(("kind", "values"), list(EQUIVALENTS.items()))
def test_equivalent_spellings_share_a_reference(key: str, kind: str, values: list[str]) -> None:
    refs = {subject_ref(kind, value) for value in values}
    assert len(refs) == 1
    assert REF.fullmatch(refs.pop())


def test_kinds_cover_the_contract() -> None:
    assert set(NORMALISERS) == {"email", "phone", "personas_kods", "name", "address", "iban"}


def test_kind_separates_references(key: str) -> None:
    assert subject_ref("name", "Rīga") != subject_ref("address", "Rīga")


def test_key_changes_every_reference(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    before = {kind: subject_ref(kind, values[0]) for kind, values in EQUIVALENTS.items()}
    monkeypatch.setenv(KEY_ENV, "another-secret-key-of-enough-length")
    after = {kind: subject_ref(kind, values[0]) for kind, values in EQUIVALENTS.items()}
    assert all(before[kind] != after[kind] for kind in EQUIVALENTS)


def test_reference_is_not_a_plain_hash(key: str) -> None:
    ref = subject_ref("personas_kods", "161175-19997")
    for message in (b"161175-19997", b"personas_kods\x00161175-19997"):
        assert ref[3:] != hashlib.sha256(message).hexdigest()[:32]


def test_reference_matches_the_documented_construction(key: str) -> None:
    import hmac

    expected = hmac.new(KEY.encode(), b"email\x00a@b.lv", hashlib.sha256).hexdigest()[:32]
    assert subject_ref("email", "A@B.lv") == "sr_" + expected


def test_key_from_airflow_connection(monkeypatch: pytest.MonkeyPatch, no_key: None) -> None:
    monkeypatch.setenv(CONN_VAR, json.dumps({"conn_type": "generic", "password": KEY}))
    from_connection = subject_ref("phone", "29123456")
    monkeypatch.delenv(CONN_VAR)
    monkeypatch.setenv(KEY_ENV, KEY)
    assert subject_ref("phone", "29123456") == from_connection


def test_environment_wins_over_connection(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    env_ref = subject_ref("phone", "29123456")
    monkeypatch.setenv(CONN_VAR, json.dumps({"conn_type": "generic", "password": "x" * 40}))
    assert subject_ref("phone", "29123456") == env_ref


def test_missing_key_names_both_places(no_key: None) -> None:
    with pytest.raises(ConfigurationError) as info:
        subject_ref("email", "a@b.lv")
    message = str(info.value)
    assert KEY_ENV in message
    assert KEY_CONN_ID in message
    assert "a@b.lv" not in message


def test_connection_without_password_is_missing(
    monkeypatch: pytest.MonkeyPatch, no_key: None
) -> None:
    monkeypatch.setenv(CONN_VAR, json.dumps({"conn_type": "generic"}))
    with pytest.raises(ConfigurationError, match=KEY_ENV):
        subject_ref("email", "a@b.lv")


@pytest.mark.parametrize("short", ["k3Y-s3cr3t", "Q" * 15])
def test_short_key_is_refused(monkeypatch: pytest.MonkeyPatch, short: str) -> None:
    monkeypatch.setenv(KEY_ENV, short)
    with pytest.raises(ConfigurationError, match="at least 16 bytes") as info:
        subject_ref("email", "a@b.lv")
    assert short not in str(info.value)


def test_sixteen_bytes_suffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "x" * 16)
    assert REF.fullmatch(subject_ref("email", "a@b.lv"))


def test_unknown_kind_lists_the_valid_ones(key: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        subject_ref("janis@inbox.lv", "email")
    message = str(info.value)
    assert "janis@inbox.lv" not in message
    assert all(kind in message for kind in NORMALISERS)


def test_invalid_value_is_refused_before_hashing(key: str) -> None:
    with pytest.raises(InvalidIdentifier, match="personas kods"):
        subject_ref("personas_kods", "161175-19998")


@given(st.sampled_from(sorted(EQUIVALENTS)), st.data())
def test_references_are_stable(kind: str, data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(EQUIVALENTS[kind]))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, KEY)
        assert subject_ref(kind, value) == subject_ref(kind, value)
        assert subject_ref(kind, value) == subject_ref(kind, EQUIVALENTS[kind][0])
