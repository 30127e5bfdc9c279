"""IBANs in free text, with any spacing: ``LV80BANK0000435195001``, ``LV80 BANK 0000 4351 9500 1``,
``lv80 bank0000 4351 95001``.

A Latvian IBAN's shape (LV, two check digits, four bank letters, thirteen characters) is
specific enough to be reported even when the check digits are wrong (a mistyped account is
still the person's). Other countries' IBANs are reported when their length is right and the
mod-97 check passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.identity.iban import iban_mod97
from governance.identity.recognisers.base import Examples, Span

KIND = "iban"

EXAMPLES = Examples(
    found=(
        ("Konts: LV80BANK0000435195001", "LV80BANK0000435195001"),
        ("Konts LV80 BANK 0000 4351 9500 1, banka", "LV80 BANK 0000 4351 9500 1"),
        ("konts lv80 bank0000 4351 95001.", "lv80 bank0000 4351 95001"),
        ("Account EE38 2200 2210 2014 5685 please", "EE38 2200 2210 2014 5685"),
        ("konts LV80\u00a0BANK\u00a00000\u00a04351\u00a09500\u00a01", "LV80\u00a0BANK\u00a00000\u00a04351\u00a09500\u00a01"),
    ),
    not_found=(
        "Sūtījuma numurs ABC1234567, nosūtīts 10:45.",
        "EE38 2200 2210 2014 5686 (wrong check digits, not Latvian)",
        "LV-1010 Rīga",
    ),
)

#: Country -> IBAN length (ISO 13616 registry, the countries our clients and people bank in).
LENGTHS = {
    "LV": 21, "EE": 20, "LT": 20, "FI": 18, "SE": 24, "DE": 22, "PL": 28, "GB": 22, "IE": 22,
    "NO": 15, "DK": 18, "NL": 18, "FR": 27, "ES": 24, "IT": 27, "AT": 20, "BE": 16, "CH": 21,
    "CZ": 24, "SK": 24, "LU": 20, "PT": 25, "UA": 29, "CY": 28,
}  # fmt: skip

_LATVIAN = re.compile(
    r"(?<![A-Za-z0-9])LV ?\d ?\d(?: ?[A-Z]){4}(?: ?[A-Z0-9]){13}(?![A-Za-z0-9])", re.IGNORECASE
)
_OTHER = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{2}) ?(\d ?\d)((?: ?[A-Z0-9]){11,30})(?![A-Za-z0-9])", re.IGNORECASE
)


def _valid_other(country: str, compact: str) -> bool:
    length = LENGTHS.get(country)
    return length is not None and len(compact) == length and iban_mod97(compact) == 1


def find(text: str) -> Iterator[Span]:
    for match in _LATVIAN.finditer(text):
        yield Span(KIND, match.start(), match.end())
    for match in _OTHER.finditer(text):
        country = match.group(1).upper()
        if country == "LV":
            continue
        compact = match.group().replace(" ", "").upper()
        # The greedy run may have taken a following word: try shorter prefixes of it.
        length = LENGTHS.get(country)
        if length is None or len(compact) < length:
            continue
        candidate = compact[:length]
        if not _valid_other(country, candidate):
            continue
        end, seen = match.start(), 0
        while seen < length:
            if text[end] != " ":
                seen += 1
            end += 1
        if end < len(text) and text[end].isalnum():
            continue
        yield Span(KIND, match.start(), end)
