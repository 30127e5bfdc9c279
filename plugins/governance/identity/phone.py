"""Phone numbers to E.164, so '+371 2xxxxxxx', '2xxxxxxx' and '00371-2xxx-xxxx' are one number
(non-breaking spaces, en dashes and zero-width characters read as :mod:`.text` says).

Parsing and validity come from ``phonenumbers`` (Google's libphonenumber metadata): a number
must be a real, allocated-range number for its region, not merely the right length.
"""

from __future__ import annotations

import phonenumbers

from governance.identity.errors import InvalidIdentifier
from governance.identity.text import canonical_text

KIND = "phone"
EXPECTED = "a valid phone number, e.g. +371 2XXXXXXX or 2XXXXXXX for Latvia"


def normalise_phone(text: str, region: str = "LV") -> str:
    """Parse ``text`` (national numbers read as ``region``) and return it in E.164 form."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidIdentifier(KIND, EXPECTED)
    text = canonical_text(text).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier(KIND, EXPECTED) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(KIND, EXPECTED)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
