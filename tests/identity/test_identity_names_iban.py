"""Name keys (case- and diacritic-folded) and Latvian IBANs."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from governance.identity import InvalidIdentifier, name_key, names, normalise_iban
from governance.identity import iban as iban_module

# The Latvian letters with diacritics and their plain forms, written out independently.
LATVIAN_PLAIN = {
    "ā": "a", "č": "c", "ē": "e", "ģ": "g", "ī": "i", "ķ": "k", "ļ": "l", "ņ": "n", "š": "s",
    "ū": "u", "ž": "z", "Ā": "A", "Č": "C", "Ē": "E", "Ģ": "G", "Ī": "I", "Ķ": "K", "Ļ": "L",
    "Ņ": "N", "Š": "S", "Ū": "U", "Ž": "Z",
}  # fmt: skip
latvian_words = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnoprstuvzABCDEFGHIJKLMNOPRSTUVZ" + "".join(LATVIAN_PLAIN)
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bērziņš", "berzins"),
        ("BERZINS", "berzins"),
        (" berzins ", "berzins"),
        ("Anna-Marija  Kalniņa", "anna marija kalnina"),
        ("Ģirts Ķēniņš", "girts kenins"),
        ("O'Brien", "obrien"),
        ("Straße", "strasse"),
        ("Søren Łukasz", "soren lukasz"),
        ("Rīga, Brīvības iela 5-12, LV-1010", "riga brivibas iela 5 12 lv 1010"),
        ("ＡＮＮＡ", "anna"),  # full-width letters (compatibility decomposition)
    ],
)
def test_name_key_vectors(text: str, expected: str) -> None:
    assert name_key(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "-", " - , . ", "\u0301", None])
def test_name_key_rejects_empty(text: object) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        name_key(text)  # type: ignore[arg-type]
    assert str(info.value) == f"{names.KIND}: expected {names.EXPECTED}"


@given(st.text())
def test_name_key_is_idempotent(text: str) -> None:
    try:
        key = name_key(text)
    except InvalidIdentifier:
        return
    assert name_key(key) == key
    assert key == key.strip()
    assert "  " not in key


@given(st.lists(latvian_words, min_size=1, max_size=4))
def test_name_key_ignores_diacritics_case_and_spacing(words: list[str]) -> None:
    written = " ".join(words)
    plain = "".join(LATVIAN_PLAIN.get(ch, ch) for ch in written)
    assert name_key(written) == name_key(plain.upper()) == name_key("  " + "   ".join(words))
    assert name_key(written) == plain.lower()


# --- IBAN ------------------------------------------------------------------------------------


def make_lv_iban(bank: str, account: str) -> str:
    bban = bank + account
    check = 98 - iban_module.iban_mod97(f"LV00{bban}")
    return f"LV{check:02d}{bban}"


lv_ibans = st.builds(
    make_lv_iban,
    st.from_regex(r"[A-Z]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{13}", fullmatch=True),
)


@pytest.mark.parametrize(
    "text",
    ["LV80BANK0000435195001", "LV80 BANK 0000 4351 9500 1", " lv80bank0000435195001 "],
)
def test_iban_vectors(text: str) -> None:
    assert normalise_iban(text) == "LV80BANK0000435195001"


@pytest.mark.parametrize(
    "text",
    [
        "LV81BANK0000435195001",  # wrong check digits
        "LV80BANK0000435195002",  # one digit changed
        "LV80BANK000043519500",  # 20 characters
        "LV80BANK00004351950011",  # 22 characters
        "LV801ANK0000435195001",  # bank code must be letters
        "DE89370400440532013000",  # a valid German IBAN: only LV is configured
        "LV80-BANK-0000-4351-9500-1",
        "",
        None,
    ],
)
def test_invalid_ibans(text: object) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        normalise_iban(text)  # type: ignore[arg-type]
    assert str(info.value) == f"{iban_module.KIND}: expected {iban_module.EXPECTED}"


@given(lv_ibans)
def test_iban_round_trips(iban: str) -> None:
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert normalise_iban(iban) == iban
    assert normalise_iban(spaced.lower()) == iban


@given(lv_ibans, st.integers(2, 20), st.integers(1, 25))
def test_iban_single_substitution_is_caught(iban: str, position: int, step: int) -> None:
    """MOD 97-10 catches every substitution of a digit by a digit or a letter by a letter."""
    old = iban[position]
    if old.isdigit():
        assume(step < 10)
        new = str((int(old) + step) % 10)
    else:
        new = chr((ord(old) - ord("A") + step) % 26 + ord("A"))
    mutated = iban[:position] + new + iban[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        normalise_iban(mutated)
