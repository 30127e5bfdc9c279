"""Personas kods: known vectors, round trips, and what the check digit can and cannot catch."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.identity import (
    InvalidIdentifier,
    birth_date_from_personas_kods,
    normalise_personas_kods,
    old_format_check_digit,
)
from governance.identity.personas_kods import EXPECTED, KIND

# The same check digit written the other way round (as python-stdnum does): 1101 = 1 mod 11 and
# each weight here is minus the contract's weight mod 11, so (1 + sum) == (1101 - sum) mod 11.
# Kept independent of the implementation on purpose.
_NEGATED_WEIGHTS = (10, 5, 8, 4, 2, 1, 6, 3, 7, 9)


def reference_check_digit(ten: str) -> int:
    return (1 + sum(int(d) * w for d, w in zip(ten, _NEGATED_WEIGHTS, strict=True))) % 11 % 10


def reference_remainder(ten: str) -> int:
    """(1101 - sum) mod 11, before the final mod 10."""
    return (1 + sum(int(d) * w for d, w in zip(ten, _NEGATED_WEIGHTS, strict=True))) % 11


def reference_valid(digits: str) -> bool:
    """An independent statement of the rules, over 11 digits."""
    if digits[0] == "3" and digits[1] in "23456789":
        return True
    century = {"0": 1800, "1": 1900, "2": 2000}.get(digits[6])
    if century is None:
        return False
    try:
        date(century + int(digits[4:6]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return False
    return reference_check_digit(digits[:10]) == int(digits[10])


def make_old(born: date, serial: int) -> str:
    century = str((born.year // 100) - 18)
    ten = born.strftime("%d%m") + f"{born.year % 100:02d}" + century + f"{serial:03d}"
    return ten + str(reference_check_digit(ten))


old_codes = st.builds(
    make_old,
    st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(0, 999),
)
new_codes = st.builds(
    lambda second, rest: f"3{second}{rest:09d}", st.integers(2, 9), st.integers(0, 10**9 - 1)
)


# --- known vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ten", "check"),
    [
        ("1611751999", 7),  # python-stdnum's published example 161175-19997
        ("1204961234", 9),  # worked by hand: sum 223, 1101 - 223 = 878, 878 mod 11 = 9
        ("0101001000", 5),  # sum 18, 1083 mod 11 = 5
        ("2902962345", 5),
        ("0107170123", 0),  # remainder 10 -> check digit 0
        ("3112992999", 9),
    ],
)
def test_check_digit_vectors(ten: str, check: int) -> None:
    assert old_format_check_digit(ten) == check
    assert reference_check_digit(ten) == check


def test_remainder_ten_maps_to_zero() -> None:
    assert reference_remainder("0107170123") == 10
    assert normalise_personas_kods("010717-01230") == "010717-01230"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("161175-19997", "161175-19997"),
        ("16117519997", "161175-19997"),
        ("  161175-19997\n", "161175-19997"),
        ("120496-12349", "120496-12349"),
        ("010100-10005", "010100-10005"),
        ("290296-23455", "290296-23455"),  # 29 Feb 2096, century digit 2
        ("321234-56789", "321234-56789"),  # new format
        ("39000000000", "390000-00000"),
        (" 32999999999 ", "329999-99999"),
        # Since the one recogniser set (#15): any Unicode space or dash between the parts.
        ("161175 19997", "161175-19997"),
        ("161175 - 19997", "161175-19997"),
        ("161175\u201319997", "161175-19997"),  # en dash (a word processor)
        ("161175\u201119997", "161175-19997"),  # non-breaking hyphen
        ("161175\u00ad-19997", "161175-19997"),  # soft hyphen is invisible
        ("\t161175-19997\n", "161175-19997"),
    ],
)
def test_valid_vectors(text: str, expected: str) -> None:
    assert normalise_personas_kods(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "161175-19998",  # wrong check digit
        "161175-1999",  # 10 digits
        "161175-199970",  # 12 digits
        "161175  19997",  # two spaces
        "161175--19997",
        "1611-7519997",  # hyphen in the wrong place
        "１６１１７５-１９９９７",  # full-width digits
        "310275-10000",  # 31 Feb
        "290200-10003",  # 29 Feb 1900 is no date (check digit would be right)
        "290201-23454",  # 29 Feb 2001 (check digit right)
        "010190-30000",  # century digit 3
        "010190-90000",
        "311234-56789",  # starts 3 but second digit 1: old format, and 34 Dec 2056 no date
        "301234-56789",  # starts 3, second digit 0
        "",
        "   ",
        "abcdef-ghijk",
    ],
)
def test_invalid_vectors(text: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        normalise_personas_kods(text)
    assert str(info.value) == f"{KIND}: expected {EXPECTED}"


def test_the_date_rule_is_applied_separately_from_the_check_digit() -> None:
    # 29 Feb 1900 with a correct check digit: only the calendar rejects it.
    assert old_format_check_digit("2902001000") == 3
    with pytest.raises(InvalidIdentifier):
        normalise_personas_kods("290200-10003")
    # The same day in 2000 (century digit 2) is real.
    ten = "2902002000"
    assert normalise_personas_kods(ten + str(old_format_check_digit(ten))).startswith("290200-2")


@pytest.mark.parametrize("bad", [None, 16117519997, b"16117519997"])
def test_non_text_is_rejected(bad: object) -> None:
    with pytest.raises(InvalidIdentifier):
        normalise_personas_kods(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("ten", ["", "123", "12345678901", "12345abcde", "１２３４５６７８９０"])
def test_check_digit_needs_ten_ascii_digits(ten: str) -> None:
    with pytest.raises(InvalidIdentifier):
        old_format_check_digit(ten)


def test_message_never_contains_the_value() -> None:
    for value in ("161175-19998", "29123456789", "Jānis 161175-19998"):
        with pytest.raises(InvalidIdentifier) as info:
            normalise_personas_kods(value)
        assert value not in str(info.value)
        assert "19998" not in str(info.value)


# --- birth dates -----------------------------------------------------------------------------


def test_birth_date_vectors() -> None:
    assert birth_date_from_personas_kods("161175-19997") == date(1975, 11, 16)
    assert birth_date_from_personas_kods("01010010005") == date(1900, 1, 1)
    assert birth_date_from_personas_kods("321234-56789") is None
    with pytest.raises(InvalidIdentifier):
        birth_date_from_personas_kods("161175-19998")


@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 999))
def test_birth_date_round_trips(born: date, serial: int) -> None:
    assert birth_date_from_personas_kods(make_old(born, serial)) == born


# --- properties ------------------------------------------------------------------------------


@given(old_codes)
def test_old_format_round_trips_with_and_without_hyphen(digits: str) -> None:
    hyphenated = f"{digits[:6]}-{digits[6:]}"
    assert normalise_personas_kods(digits) == hyphenated
    assert normalise_personas_kods(hyphenated) == hyphenated
    assert normalise_personas_kods(f"  {hyphenated} ") == hyphenated
    assert normalise_personas_kods(normalise_personas_kods(digits)) == hyphenated


@given(new_codes)
def test_new_format_round_trips(digits: str) -> None:
    hyphenated = f"{digits[:6]}-{digits[6:]}"
    assert normalise_personas_kods(digits) == hyphenated
    assert normalise_personas_kods(hyphenated) == hyphenated
    assert birth_date_from_personas_kods(digits) is None


@given(old_codes, st.integers(0, 10), st.integers(1, 9), st.booleans())
def test_single_digit_changes(digits: str, position: int, step: int, hyphen: bool) -> None:
    """A single-digit change is rejected, except in exactly two situations the rules allow.

    1. The check digit is 0 and the change moves (1101 - sum) mod 11 between 0 and 10: every
       weight is non-zero mod 11 (11 is prime), so the remainder always changes, but the final
       mod 10 folds 10 onto 0. Needs a check digit of 0 and a change in the first ten digits.
    2. The result is a well-formed new-format code (3, then 2-9), which has no check digit: the
       first digit becomes 3 while the second is 2-9, or, for a day 30 or 31, the second
       digit becomes 2-9.
    Changing the check digit itself is always caught.
    """
    new_digit = str((int(digits[position]) + step) % 10)
    mutated = digits[:position] + new_digit + digits[position + 1 :]
    text = f"{mutated[:6]}-{mutated[6:]}" if hyphen else mutated
    try:
        normalise_personas_kods(text)
        accepted = True
    except InvalidIdentifier:
        accepted = False
    assert accepted == reference_valid(mutated)
    if accepted:
        becomes_new_format = (position == 0 and new_digit == "3" and digits[1] in "23456789") or (
            position == 1 and digits[0] == "3" and new_digit in "23456789"
        )
        ten_folded_to_zero = (
            position < 10
            and digits[10] == "0"
            and {reference_remainder(digits[:10]), reference_remainder(mutated[:10])} == {0, 10}
        )
        assert becomes_new_format or ten_folded_to_zero
    if position == 10:
        assert not accepted


def test_undetected_change_examples_exist() -> None:
    """Both exceptions above happen in practice, so the property test is not vacuous."""
    # 1. 010717-01230 has remainder 10; raising the last serial digit 3 -> 8 adds 2*5 = 10 to
    #    the weighted sum, remainder 0, check digit still 0, date untouched.
    assert reference_remainder("0107170128") == 0
    assert normalise_personas_kods("010717-01280") == "010717-01280"
    # 2. 161175-19997 with its first digit changed to 3 reads as a new-format code.
    assert normalise_personas_kods("361175-19997") == "361175-19997"
    #    So does 301196-xxxxx with its second digit changed to 2-9.
    thirtieth = make_old(date(1996, 11, 30), 123)
    assert (
        normalise_personas_kods("32" + thirtieth[2:]) == "32" + thirtieth[2:6] + "-" + thirtieth[6:]
    )
    # ...while a change to any other digit in the first place is caught.
    for first in "0245":
        with pytest.raises(InvalidIdentifier):
            normalise_personas_kods(first + "61175-19997")


def test_single_digit_changes_exhaustively_over_a_year() -> None:
    """Every single-digit change of every code born in 1996 (three serials each), checked."""
    accepted_by_kind = {"new_format_first": 0, "new_format_second": 0, "ten_folded_to_zero": 0}
    born = date(1996, 1, 1)
    while born.year == 1996:
        for serial in (0, 123, 998):
            digits = make_old(born, serial)
            for position in range(11):
                for new_digit in "0123456789":
                    if new_digit == digits[position]:
                        continue
                    mutated = digits[:position] + new_digit + digits[position + 1 :]
                    try:
                        normalise_personas_kods(mutated)
                    except InvalidIdentifier:
                        assert not reference_valid(mutated)
                        continue
                    assert reference_valid(mutated)
                    if position == 0 and new_digit == "3":
                        accepted_by_kind["new_format_first"] += 1
                    elif position == 1 and digits[0] == "3":
                        assert new_digit in "23456789"
                        accepted_by_kind["new_format_second"] += 1
                    else:
                        assert digits[10] == "0" and position < 10
                        accepted_by_kind["ten_folded_to_zero"] += 1
        born = born.fromordinal(born.toordinal() + 1)
    assert all(count > 0 for count in accepted_by_kind.values()), accepted_by_kind
