"""Latvian vehicle registration plates: two capital letters and one to four digits
(``KZ-1234``, ``HN 527``, ``EV-1234``), the way CSDD issues them; a plate identifies its keeper.

Two letters and a number are also postcodes (``LV-1010``), standards (``ISO 9001``), company
forms (``AS 2023``) and product codes, so: the letters must not be one of those prefixes, and a
plate written without a separator (``KZ1234``) counts only after a vehicle word
(``auto``, ``numurzīme``, ``mašīna``, ``car``, ``plate`` ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.identity.recognisers.base import Examples, Span, cue_before

KIND = "plate"

EXAMPLES = Examples(
    found=(
        ("Automašīna KZ-1234 stāvēja pie ieejas", "KZ-1234"),
        ("numurzīme HN 527", "HN 527"),
        ("auto ar numuru GR1234 iebrauca", "GR1234"),
        ("car plate EV-4321 seen on camera", "EV-4321"),
        ("Transportlīdzeklis MM\u20138890", "MM\u20138890"),
    ),
    not_found=(
        "Pasta indekss LV-1010, Rīga",
        "Sertifikāts ISO 9001 un EN 1090",
        "Pasūtījums AB1234 nosūtīts",
        "AS 2023. gada pārskats",
        "incident INC-2026-17",
        "Covid-19 ierobežojumi",
    ),
)

#: Letter pairs that are not plates in the text we read (postcode, standards, company forms,
#: units, document and product codes).
_NOT_PLATES = (
    "LV EU EN ID AS NR CV PK TV PC GB MB KB TB ES IT IP OK PS VS DZ ST NO UN AG UK US PP "
    "MS SQ IS EK LR VK"
)
NOT_PLATES = frozenset(_NOT_PLATES.split())
_PLATE = re.compile(r"(?<![\w\-])([A-Z]{2})( ?- ?| )?(\d{1,4})(?![\w\-])(?![.,]\d)")
_CUE = re.compile(
    r"auto|mašīn|masin|numurz|numur|transportl|vehicle|\bcar\b|plate|reg\.|csdd|stāvviet|parking",
    re.IGNORECASE,
)


def find(text: str) -> Iterator[Span]:
    for match in _PLATE.finditer(text):
        if match.group(1) in NOT_PLATES:
            continue
        if match.group(2) is not None or cue_before(_CUE, text, match.start(), window=40):
            yield Span(KIND, match.start(), match.end())
