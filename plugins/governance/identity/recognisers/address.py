"""Street addresses in free text, as Latvians write them: the street word in any case
(``Brīvības iela 12-5``, ``dzīvoju Brīvības ielā 12-5``, ``uz Brīvības ielu 12``), abbreviated
(``Brīvības iel. 12``, ``Brīvības g. 5``, ``Kr. Valdemāra pr. 3``), in lower case, and without a
street word at all for the common street names (``Brīvības 12-5``); postcodes ``LV-1010`` too.

A street without a house number is a place, not an address, and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.identity.latvian import fold, street_names
from governance.identity.recognisers.base import Examples, Span

KIND = "address"
POSTCODE = "postcode"

EXAMPLES = Examples(
    found=(
        ("Lūdzu mainīt adresi uz Brīvības iela 5-12.", "Brīvības iela 5-12"),
        ("dzīvoju Brīvības ielā 12-5, Rīgā", "Brīvības ielā 12-5"),
        ("dzīvoju brīvības ielā 12-5", "brīvības ielā 12-5"),
        ("Krišjāņa Barona ielā 117 dz. 4", "Krišjāņa Barona ielā 117 dz. 4"),
        ("Kr. Valdemāra pr. 3", "Kr. Valdemāra pr. 3"),
        ("Brīvības iel. 12", "Brīvības iel. 12"),
        ("Ulmaņa g. 5", "Ulmaņa g. 5"),
        ("adrese: Brīvības 12-5", "Brīvības 12-5"),
        ("Tērbatas 14k-2, Rīga", "Tērbatas 14k-2"),
        ("Jūrmalas gatvē 76", "Jūrmalas gatvē 76"),
        ("Pasta indekss LV-1010", "LV-1010"),
    ),
    not_found=(
        "Brīvības ielā notika gājiens",
        "šī g. 5. maijā",
        "2023. g. 15. novembrī",
        "Rēķins Nr. 12-5 apmaksāts",
        "Pasūtījumā 3 kastes, 250 aploksnes un 12000 lapas.",
    ),
)

_TYPES = (
    r"iela|ielas|ielai|ielu|ielā|ielās|iel\."
    r"|gatve|gatves|gatvei|gatvi|gatvē|gatv\.|g\."
    r"|bulvāris|bulvāra|bulvārim|bulvāri|bulvārī|bulv\."
    r"|prospekts|prospekta|prospektam|prospektu|prospektā|prosp\.|pr\."
    r"|ceļš|ceļa|ceļam|ceļu|ceļā|šoseja|šosejas|šosejai|šoseju|šosejā|šos\."
    r"|laukums|laukuma|laukumam|laukumu|laukumā|lauk\."
    r"|aleja|alejas|alejai|aleju|alejā|krastmala|krastmalas|krastmalai|krastmalu|krastmalā"
    r"|dambis|dambja|dambim|dambi|dambī|līnija|līnijas|līnijai|līniju|līnijā"
    r"|street|st\.|avenue|ave\.|road|rd\."
)
_ABBREVIATED = re.compile(r"\.$")
_NUMBER = r"\d{1,4}[a-zA-Z]?(?: ?k ?-? ?\d{1,3})?(?: ?[-/] ?\d{1,4})?(?:,? ?dz\. ?\d{1,4})?"
_TYPED = re.compile(
    r"((?:[^\W\d_]+\.? ){0,2}?)([^\W\d_]+) (" + _TYPES + r")(?![\w])(?: ?(" + _NUMBER + r"))?(?![\w])",
    re.IGNORECASE,
)
_BARE = re.compile(r"([^\W\d_]+) (" + _NUMBER + r")(?![\w])(?![.,]\d)")
_POSTCODE = re.compile(r"(?<![\w\-])LV ?-? ?\d{4}(?![\w\-])", re.IGNORECASE)
_CUE = re.compile(r"adres|dzīvo|dzivo|uz |pie |address|live", re.IGNORECASE)


def _name_words(prefix: str, start: int, last: str) -> int:
    """The start of the street name: the last word, and the capitalised words before it
    (``Krišjāņa Barona``, ``Kr. Valdemāra``)."""
    words = [w for w in re.finditer(r"[^\W\d_]+\.?", prefix)]
    begin = start + len(prefix)
    for word in reversed(words):
        if not word.group()[0].isupper():
            break
        begin = start + word.start()
    return begin


def find(text: str) -> Iterator[Span]:
    for match in _TYPED.finditer(text):
        number = match.group(4)
        if not number:
            continue
        street, kind = match.group(2), match.group(3)
        if _ABBREVIATED.search(kind) and not street[0].isupper():
            continue  # "šī g. 5" (this year's 5th), not a street
        begin = _name_words(match.group(1), match.start(), street)
        if not street[0].isupper():
            begin = match.start(2)
        yield Span(KIND, begin, match.end(4))
    for match in _BARE.finditer(text):
        street, number = match.group(1), match.group(2)
        if not street[0].isupper() or fold(street) not in street_names():
            continue
        flat = any(ch in number for ch in "-/k") or "dz" in number
        cue = _CUE.search(text, max(0, match.start() - 25), match.start()) is not None
        if flat or cue:
            yield Span(KIND, match.start(), match.end())
    for match in _POSTCODE.finditer(text):
        yield Span(POSTCODE, match.start(), match.end())
