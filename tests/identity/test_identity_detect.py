"""Finding identifiers inside free Latvian text, and not finding them in clean text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from governance.identity import (
    contains_identifier,
    find_identifier_spans,
    identifier_kinds_in,
    old_format_check_digit,
)
from governance.identity.recognisers.phone import looks_like_date

LETTER = "Labdien! Mans personas kods ir 161175-19997, tālrunis +371 29123456."


@pytest.mark.parametrize(
    ("text", "found", "kind"),
    [
        (
            "Lūdzu, sazinieties ar mani: janis.berzins@inbox.lv. Paldies!",
            "janis.berzins@inbox.lv",
            "email",
        ),
        ("Rakstiet uz Anna_K+rekini@Pasts.LV", "Anna_K+rekini@Pasts.LV", "email"),
        ("Mans tālrunis ir +371 29123456, zvaniet vakarā.", "+371 29123456", "phone"),
        ("Zvaniet 29123456 darba laikā", "29123456", "phone"),
        ("tālr.29123456", "29123456", "phone"),
        ("Zvaniet 29 123 456 darba laikā", "29 123 456", "phone"),
        ("Zvaniet 2912 3456 darba laikā", "2912 3456", "phone"),
        ("Birojs: 67123456.", "67123456", "phone"),
        ("Numurs 00371-2912-3456 vairs nav aktīvs", "00371-2912-3456", "phone"),
        ("(+371) 291 23 456 ir mans jaunais numurs", "(+371) 291 23 456", "phone"),
        ("Tel.: +37129123456", "+37129123456", "phone"),
        ("Personas kods: 161175-19997.", "161175-19997", "personas_kods"),
        ("p.k. 16117519997, Rīga", "16117519997", "personas_kods"),
        ("Jaunais kods 321234-56789 izsniegts 2018. gadā", "321234-56789", "personas_kods"),
        ("kods32123456789", None, None),
        ("Konts: LV80BANK0000435195001", "LV80BANK0000435195001", "iban"),
        ("Konts LV80 BANK 0000 4351 9500 1, banka", "LV80 BANK 0000 4351 9500 1", "iban"),
        # Wider since the one recogniser set: a street address is personal data too.
        ("Pasta indekss LV-1010, Brīvības iela 5-12, Rīga.", "Brīvības iela 5-12", "address"),
    ],
)
def test_finds_identifiers_in_latvian_text(text: str, found: str | None, kind: str | None) -> None:
    spans = find_identifier_spans(text)
    if found is None:
        assert spans == []
        return
    start = text.index(found)
    assert spans == [(kind, start, start + len(found))]
    assert identifier_kinds_in(text) == {kind}
    assert contains_identifier(text)


def test_several_kinds_in_one_letter() -> None:
    text = LETTER + " E-pasts: j.b@inbox.lv, konts LV80BANK0000435195001."
    assert identifier_kinds_in(text) == {"personas_kods", "phone", "email", "iban"}
    spans = find_identifier_spans(text)
    assert [s[1] for s in spans] == sorted(s[1] for s in spans)
    assert all(a[2] <= b[1] for a, b in zip(spans, spans[1:], strict=False))


def test_digits_inside_an_email_or_iban_belong_to_it() -> None:
    assert find_identifier_spans("29123456@inbox.lv") == [("email", 0, 17)]
    text = "LV80 BANK 2912 3456 9500 1"  # a phone-looking group inside an IBAN-shaped string
    assert [kind for kind, _, _ in find_identifier_spans(text)] == ["iban"]


def test_old_format_needs_the_check_digit() -> None:
    assert not contains_identifier("Rēķins 161175-19998 apmaksāts")
    assert not contains_identifier("Pasūtījums 31027510000")  # 31 Feb


CLEAN = [
    "Labdien! Paldies par Jūsu vēstuli, atbildēsim 30 dienu laikā.",
    "Rēķins Nr. 2024-0315 par summu 1200,50 EUR apmaksāts 15.03.2024.",
    "Līgums 2024/17 noslēgts 2024-03-15, termiņš 12 mēneši.",
    "Pasta indekss LV-1010, Rīga.",
    "Rēķins Nr. 202311-00042, datums 20231115, summa 29 123,45 EUR.",
    "Pasūtījumā 3 kastes, 250 aploksnes un 12000 lapas.",
    "Versija 2.29123456 un summa 1 234 567,89 EUR.",
    "Sūtījuma numurs ABC1234567, nosūtīts 10:45.",
    "Gads 2023, mēnesis 12, 60 dienas, 6 darbinieki.",
    "Kopā 123456789012 baiti.",
    "sr_0123456789abcdef0123456789abcdef",
    "",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_has_no_identifiers(text: str) -> None:
    assert find_identifier_spans(text) == []
    assert not contains_identifier(text)
    assert identifier_kinds_in(text) == set()


words = st.lists(
    st.sampled_from(
        ["Labdien", "lūdzu", "mans", "tālrunis", "kods", "ir", "un", "e-pasts", "konts", "Rīga,",
         "paldies.", "(jauns)", "—", "2024.", "gadā", "12", "EUR"]
    ),
    max_size=6,
).map(" ".join)  # fmt: skip


def _old_code(born: date, serial: int) -> str:
    ten = born.strftime("%d%m%y") + str(born.year // 100 - 18) + f"{serial:03d}"
    return ten + str(old_format_check_digit(ten))


identifiers = st.one_of(
    st.builds(
        lambda born, serial, hyphen: (
            "personas_kods",
            (lambda c: f"{c[:6]}-{c[6:]}" if hyphen else c)(_old_code(born, serial)),
        ),
        st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
        st.integers(0, 999),
        st.booleans(),
    ),
    st.builds(
        lambda second, rest: ("personas_kods", f"3{second}{rest:04d}-{rest % 100000:05d}"),
        st.integers(2, 9),
        st.integers(0, 9999),
    ),
    st.builds(
        lambda prefix, rest: ("phone", f"{prefix}{rest:07d}"),
        st.sampled_from(["+371 2", "2", "00371 2", "6"]),
        st.integers(0, 9_999_999),
    ),
    st.builds(
        lambda local, domain: ("email", f"{local}@{domain}.lv"),
        st.from_regex(r"[a-z][a-z0-9.]{0,10}[a-z0-9]", fullmatch=True).filter(
            lambda s: ".." not in s
        ),
        st.from_regex(r"[a-z]{2,10}", fullmatch=True),
    ),
    st.builds(
        lambda bank, account: ("iban", f"LV{(account % 97):02d}{bank}{account:013d}"),
        st.from_regex(r"[A-Z]{4}", fullmatch=True),
        st.integers(0, 10**13 - 1),
    ),
)


@given(words, identifiers, words)
def test_embedded_identifier_is_found_exactly(
    before: str, identifier: tuple[str, str], after: str
) -> None:
    kind, value = identifier
    if kind == "phone" and not value.startswith(("+", "00")):
        # A bare national number that reads as a date (20231115) or stands next to a currency
        # (20000000 EUR) is a date or an amount: see test_dates_and_amounts_are_not_phones.
        assume(not looks_like_date(value) and "EUR" not in (before[-3:], after[:3]))
    text = f"{before} {value} {after}"
    start = len(before) + 1
    assert (kind, start, start + len(value)) in find_identifier_spans(text)
    assert kind in identifier_kinds_in(text)


@given(words)
def test_plain_words_have_no_identifiers(text: str) -> None:
    assert not contains_identifier(text)


@pytest.mark.parametrize("bad", [None, 29123456, b"janis@inbox.lv"])
def test_non_text_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        find_identifier_spans(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Datums 20231115, rēķins apmaksāts", None),
        ("tālrunis 20231115", "phone"),  # a phone word before it: the number is a phone
        ("Summa 26 500 000 EUR", None),
        ("Rēķins Nr. 202311-00042", None),
        ("Rēķins Nr. 2024-0315", None),
        ("zvaniet 29 12 34 56 vai 29.12.34.56", "phone"),
    ],
)
def test_dates_and_amounts_are_not_phones(text: str, kind: str | None) -> None:
    assert identifier_kinds_in(text) == ({kind} if kind else set())


def test_uuids_are_not_mistaken_for_phones() -> None:
    """Request and hold ids are UUIDs; their first group can be 8 digits starting with 2 or 6."""
    import uuid

    from governance.identity import contains_identifier

    assert not contains_identifier("20622191-ca53-4e1b-9b1a-0123456789ab")
    assert not contains_identifier(f"request {uuid.UUID(int=0x62345678 << 96)} done")
    assert contains_identifier("zvaniet 29123456, lūdzu")
