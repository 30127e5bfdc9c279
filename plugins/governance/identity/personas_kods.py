"""The Latvian personal code (personas kods): parse, validate, normalise.

Two formats are in use. The old one, ``DDMMYY-CNNNQ``, carries the birth date, a century digit
``C`` (0 = 1800s, 1 = 1900s, 2 = 2000s) and a check digit ``Q``. Codes issued since
1 July 2017 have the form ``3XXXXX-XXXXX`` (first digit 3, second 2-9) and no date and no check
digit. Both are normalised to ``DDDDDD-DDDDD`` so that one person's code written with or without
the hyphen (or with a space, an en dash, a non-breaking hyphen) compares equal across systems.

What the check digit does and does not catch: every weight is non-zero mod 11, so any
single-digit change of the first ten digits changes ``(1101 - sum) mod 11``; but the final
``mod 10`` maps both remainders 0 and 10 to the check digit 0, so a change that moves the
remainder between 0 and 10 goes unnoticed (only for codes whose check digit is 0). Separately,
a change can yield a well-formed new-format code, which has no check digit to object: the first
digit turned into 3 while the second is 2-9, or, for a day 30 or 31, the second digit turned
into 2-9.
"""

from __future__ import annotations

import re
from datetime import date

from governance.identity.errors import InvalidIdentifier
from governance.identity.text import canonical_text

KIND = "personas kods"
EXPECTED = "11 digits as DDMMYY-CNNNN (check digit valid) or 3XXXXX-XXXXX"

#: Weights of the first ten digits in the old-format check digit.
WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: Century digit (7th digit) -> first year of the century.
CENTURIES = {"0": 1800, "1": 1900, "2": 2000}

_SHAPE = re.compile(r"([0-9]{6})(?: ?- ?| )?([0-9]{5})", re.ASCII)
_NEW_FORMAT = re.compile(r"3[2-9][0-9]{9}", re.ASCII)


def _invalid() -> InvalidIdentifier:
    return InvalidIdentifier(KIND, EXPECTED)


def old_format_check_digit(first_ten_digits: str) -> int:
    """The check digit of an old-format code: ``(1101 - sum(d_i * w_i)) mod 11 mod 10``."""
    if not (
        isinstance(first_ten_digits, str)
        and len(first_ten_digits) == 10
        and first_ten_digits.isascii()
        and first_ten_digits.isdigit()
    ):
        raise InvalidIdentifier(KIND, "the first ten digits of an old-format code")
    total = sum(int(d) * w for d, w in zip(first_ten_digits, WEIGHTS, strict=True))
    return (1101 - total) % 11 % 10


def _old_format_birth_date(digits: str) -> date | None:
    """The birth date an old-format code encodes, or None if the date or century is impossible."""
    century = CENTURIES.get(digits[6])
    if century is None:
        return None
    try:
        return date(century + int(digits[4:6]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        return None


def _digits(text: object) -> str:
    """The 11 digits of a valid code in either format; raise InvalidIdentifier otherwise."""
    if not isinstance(text, str):
        raise _invalid()
    match = _SHAPE.fullmatch(canonical_text(text).strip())
    if match is None:
        raise _invalid()
    digits = match.group(1) + match.group(2)
    if _NEW_FORMAT.fullmatch(digits):
        return digits
    if _old_format_birth_date(digits) is None:
        raise _invalid()
    if old_format_check_digit(digits[:10]) != int(digits[10]):
        raise _invalid()
    return digits


def normalise_personas_kods(text: str) -> str:
    """Validate a code in either format and return it as ``DDDDDD-DDDDD``."""
    digits = _digits(text)
    return f"{digits[:6]}-{digits[6:]}"


def is_new_format(code: str) -> bool:
    """True for a valid post-2017 code (``3[2-9]XXXX-XXXXX``); raises for an invalid code."""
    return _NEW_FORMAT.fullmatch(_digits(code)) is not None


def birth_date_from_personas_kods(code: str) -> date | None:
    """The birth date of a valid old-format code; None for a new-format code (it has none)."""
    digits = _digits(code)
    if _NEW_FORMAT.fullmatch(digits):
        return None
    return _old_format_birth_date(digits)
