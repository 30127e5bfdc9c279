"""The names and addresses of the persons a record links to, found in any Latvian case form.

:class:`People` is built from the names (and addresses) of known persons: the record's own
name columns, or every person of the entity a record links to (a helpdesk message's contact).
A person's **surname** is found in every case form, in any letter case, with or without
diacritics (``Bērziņš``, ``Bērziņa``, ``Bērziņam``, ``Bērziņu``, ``BERZINS``, ``Bērziņ``), and
the span takes the first name, an initial, or the first name after it along
(``Jāņa Bērziņa``, ``J. Bērziņš``, ``Bērziņš Jānis``). A first name alone does not single a
person out and is left to :mod:`.unknown_name`.

A known **address** is found by its street name followed by a house number, with or without
the street word and in any case (``Brīvības 12-5``, ``brīvības ielā 12``).

Memory is the set of distinct folded forms (about ten per surname and street), so an index of
every contact of a large system stays small: surnames repeat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from governance.identity.latvian import first_names, fold, forms
from governance.identity.recognisers.base import Examples, Span
from governance.identity.recognisers.words import initial, joined, words

KIND = "name"
ADDRESS = "address"

#: The persons the examples are read against.
EXAMPLE_PEOPLE = {"names": ("Jānis Bērziņš", "Anna Kalniņa"), "addresses": ("Brīvības iela 12-5, Rīga",)}

EXAMPLES = Examples(
    found=(
        ("Jāņa Bērziņa iesniegums", "Jāņa Bērziņa"),
        ("nosūtīt Jānim Bērziņam", "Jānim Bērziņam"),
        ("redzēju Jāni Bērziņu", "Jāni Bērziņu"),
        ("Sveiks, Jāni Bērziņ!", "Jāni Bērziņ"),
        ("Bērziņa kungs zvanīja", "Bērziņa"),
        ("J. Bērziņš atbildēja", "J. Bērziņš"),
        ("BERZINS JANIS", "BERZINS JANIS"),
        ("zvanīja jānis bērziņš", "jānis bērziņš"),
        ("Annas Kalniņas iesniegums", "Annas Kalniņas"),
        ("adrese Brīvības 12-5", "Brīvības 12-5"),
    ),
    not_found=("Jānis zvanīja vakar", "bērzi zied", "Kalniņš"),
)

#: Words of a stored name that are no surname (company forms, titles).
_NOT_SURNAMES = frozenset({"sia", "as", "ik", "biedriba", "kungs", "kundze", "mr", "mrs", "ms"})
_STREET_WORD = re.compile(
    r"(?:iela|ielas|ielai|ielu|ielā|iel\.|gatve|gatves|gatvē|gatvi|g\.|prospekts|prospektā|"
    r"prospekta|pr\.|bulvāris|bulvārī|bulvāra|ceļš|ceļā|ceļa|šoseja|šosejā|laukums|laukumā)",
    re.IGNORECASE,
)
_HOUSE = re.compile(
    r" ?(?:(?:" + _STREET_WORD.pattern + r") ?)?(\d{1,4}[a-zA-Z]?(?: ?k ?-? ?\d{1,3})?"
    r"(?: ?[-/] ?\d{1,4})?(?:,? ?dz\. ?\d{1,4})?)(?![\w])",
    re.IGNORECASE,
)


class People:
    """Known persons' surnames and streets, by their folded case forms."""

    def __init__(self, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> None:
        self.surnames: set[str] = set()
        self.given: set[str] = set()
        self.streets: set[str] = set()
        for name in names:
            self.add_name(name)
        for address in addresses:
            self.add_address(address)

    def __bool__(self) -> bool:
        return bool(self.surnames or self.streets)

    def add_name(self, name: str | None) -> None:
        if not name or not isinstance(name, str):
            return
        parts = [fold(w.text) for w in words(name)]
        parts = [p for p in parts if len(p) >= 2 and p not in _NOT_SURNAMES]
        if not parts:
            return
        lexicon = first_names()
        surnames = [p for p in parts if p not in lexicon and len(p) >= 3]
        if not surnames:
            surnames = [parts[-1]] if len(parts) > 1 or len(parts[-1]) >= 3 else []
        for part in parts:
            if part in surnames:
                self.surnames.update(f for f in forms(part) if len(f) >= 3)
            else:
                self.given.update(forms(part))

    def add_address(self, address: str | None) -> None:
        if not address or not isinstance(address, str):
            return
        street = address.split(",")[0]
        found = _STREET_WORD.search(street)
        head = street[: found.start()] if found else re.split(r"\d", street)[0]
        names = [w.text for w in words(head)]
        if names:
            self.streets.add(fold(names[-1]))

    def find(self, text: str) -> Iterator[Span]:
        """Spans of known names and addresses in canonical ``text``."""
        found = words(text)
        lexicon = first_names()
        used = -1
        for index, word in enumerate(found):
            if index <= used:
                continue
            folded = fold(word.text)
            if self.streets and folded in self.streets:
                house = _HOUSE.match(text, word.end)
                if house:
                    used = index
                    yield Span(ADDRESS, word.start, house.end())
                    continue
            if folded not in self.surnames:
                continue
            start, end = word.start, word.end
            before = found[index - 1] if index > 0 and index - 1 > used else None
            after = found[index + 1] if index + 1 < len(found) else None
            if before is not None and (
                (joined(text, before, word) and self._given(before.text, lexicon))
                or (initial(text, before) and joined(text, before, word, allow=". "))
            ):
                start = before.start
            if after is not None and joined(text, word, after) and self._given(after.text, lexicon):
                end = after.end
                used = index + 1
            else:
                used = index
            yield Span(KIND, start, end)

    def _given(self, word: str, lexicon: frozenset[str]) -> bool:
        folded = fold(word)
        return folded in self.given or folded in lexicon
