"""InvalidIdentifier never carries the rejected value: its message is fixed per kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.errors import GovernanceError
from governance.identity import (
    InvalidIdentifier,
    email_address,
    iban,
    name_key,
    names,
    normalise_email,
    normalise_iban,
    normalise_personas_kods,
    normalise_phone,
    personas_kods,
    phone,
)

NORMALISERS: list[tuple[Callable[[str], str], str]] = [
    (normalise_personas_kods, f"{personas_kods.KIND}: expected {personas_kods.EXPECTED}"),
    (normalise_phone, f"{phone.KIND}: expected {phone.EXPECTED}"),
    (normalise_email, f"{email_address.KIND}: expected {email_address.EXPECTED}"),
    (normalise_iban, f"{iban.KIND}: expected {iban.EXPECTED}"),
    (name_key, f"{names.KIND}: expected {names.EXPECTED}"),
]

# Random text plus near-misses that look like real identifiers.
texts = st.one_of(
    st.text(),
    st.from_regex(r"[0-9]{6}-?[0-9]{5}", fullmatch=True),
    st.from_regex(r"\+371 ?[0-9]{6,9}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}(\.[a-z]{1,3})?", fullmatch=True),
    st.from_regex(r"LV[0-9]{2}[A-Z]{4}[0-9]{11,14}", fullmatch=True),
)


@pytest.mark.parametrize(("normalise", "message"), NORMALISERS)
@given(text=texts)
def test_message_is_independent_of_the_input(
    normalise: Callable[[str], str], message: str, text: str
) -> None:
    try:
        normalise(text)
    except InvalidIdentifier as exc:
        assert str(exc) == message
        assert exc.kind and exc.expected
        assert exc.__cause__ is None


def test_error_is_a_governance_error() -> None:
    assert issubclass(InvalidIdentifier, GovernanceError)
    assert issubclass(InvalidIdentifier, ValueError)


def test_phone_parse_error_does_not_chain_the_library_message() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        normalise_phone("janis@inbox.lv")
    # phonenumbers' own exception (which could quote the input) is not attached.
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
