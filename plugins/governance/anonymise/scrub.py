"""Free-text scrubbing with the one Latvian recogniser set: whatever
:func:`governance.identity.recognisers.recognise` finds is replaced by ``[kind]``.

That is personas kodi in both formats with any separator (and eleven digits on a real date
with a wrong check digit, as ``[invalid_personas_kods]``), phones in any grouping, e-mails also
obfuscated, IBANs with any spacing, street addresses in any case form, postcodes, vehicle
plates, names of people not known in advance (a first name from the lexicon with a surname),
and the names and addresses of known persons in every case form: the record's own name and
address columns (``known``) and the persons it links to (``people``). Numbers that are not
identifiers (invoice ``202311-00042``, date ``20231115``, amounts) stay: no shape-only
fail-safe destroys them. The anonymisation gate checks for exactly the same set.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from governance.identity.recognisers import People, recognise


@lru_cache(maxsize=4096)
def _known_people(values: tuple[str, ...]) -> People:
    """Known persons from the record's own values: names, and addresses (text with a house
    number); e-mails, phones and codes are found by their own recognisers."""
    people = People()
    for value in values:
        if "@" in value:
            continue
        has_letters = any(ch.isalpha() for ch in value)
        if not has_letters:
            continue
        if any(ch.isdigit() for ch in value):
            people.add_address(value)
        else:
            people.add_name(value)
    return people


def scrub(text: str | None, known: Iterable[str] = (), people: People | None = None) -> str | None:
    """``text`` with every recognised piece of personal data replaced by ``[kind]``."""
    if text is None:
        return None
    indexes = [
        _known_people(tuple(sorted({v.strip() for v in known if v and len(v.strip()) >= 2})))
    ]
    if people:
        indexes.append(people)
    out = text
    for kind, start, end in reversed(recognise(text, indexes)):
        out = out[:start] + f"[{kind}]" + out[end:]
    return out
