"""Phone numbers to E.164 and e-mail addresses to one case."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.identity import (
    InvalidIdentifier,
    email_address,
    normalise_email,
    normalise_phone,
    phone,
)

# LV mobile numbers: 2 then 7 digits. The 23xx block is partly unallocated, so leave it out.
lv_mobiles = st.builds(
    lambda second, rest: f"2{second}{rest:06d}",
    st.sampled_from("01245679"),
    st.integers(0, 999_999),
)


@pytest.mark.parametrize(
    "text",
    [
        "+371 29123456",
        "29123456",
        "00371-2912-3456",
        "(+371) 291 23 456",
        "+37129123456",
        " 2912 3456 ",
        "+371 29 123 456",
    ],
)
def test_phone_variants(text: str) -> None:
    assert normalise_phone(text) == "+37129123456"


def test_landline_and_foreign_numbers() -> None:
    assert normalise_phone("67 123 456") == "+37167123456"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert normalise_phone("020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345678",
        "2912345",
        "291234567",
        "+371 2912345",
        "phone",
        "+999 123",
        None,
        29123456,
    ],
)
def test_invalid_phones(text: object) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        normalise_phone(text)  # type: ignore[arg-type]
    assert str(info.value) == f"{phone.KIND}: expected {phone.EXPECTED}"


@given(lv_mobiles)
def test_phone_spellings_meet(number: str) -> None:
    spellings = [
        f"+371 {number}",
        number,
        f"00371-{number[:4]}-{number[4:]}",
        f"(+371) {number[:3]} {number[3:5]} {number[5:]}",
    ]
    assert {normalise_phone(s) for s in spellings} == {"+371" + number}
    assert normalise_phone("+371" + number) == "+371" + number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Janis.Berzins@Inbox.LV", "janis.berzins@inbox.lv"),
        ("  anna@example.com \n", "anna@example.com"),
        ("A.B+tag@Sub.Example.Org", "a.b+tag@sub.example.org"),
        ("Jānis@Pasts.lv", "jānis@pasts.lv"),
        ("x@shop.test", "x@shop.test"),
        ("o'brien@mail.ie", "o'brien@mail.ie"),
        ("x@xn--mller-kva.de", "x@xn--mller-kva.de"),
    ],
)
def test_email_vectors(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plainaddress",
        "@inbox.lv",
        "janis@",
        "janis@localhost",
        "janis@@inbox.lv",
        "a@b@inbox.lv",
        "janis berzins@inbox.lv",
        "janis@in box.lv",
        ".janis@inbox.lv",
        "janis.@inbox.lv",
        "ja..nis@inbox.lv",
        "janis@inbox..lv",
        "janis@-inbox.lv",
        "janis@inbox.l",
        "janis@inbox.123",
        '"janis"@inbox.lv',
        "Jānis <janis@inbox.lv>",
        "a@b.lv, c@d.lv",
        None,
    ],
)
def test_invalid_emails(text: object) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        normalise_email(text)  # type: ignore[arg-type]
    assert str(info.value) == f"{email_address.KIND}: expected {email_address.EXPECTED}"


@given(
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True).filter(
        lambda s: ".." not in s
    ),
    st.from_regex(r"[a-z0-9]{1,10}\.(lv|com|org|ee)", fullmatch=True),
)
def test_email_case_and_space_do_not_matter(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert normalise_email(address) == address
    assert normalise_email(f"  {address.upper()}\t") == address
    assert normalise_email(normalise_email(address.title())) == address
