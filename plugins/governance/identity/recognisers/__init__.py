"""The one Latvian personal-data recogniser set: every text check of the product reads it.

One small module per kind, each with the examples it must get right:

==========================  ================================================================
module                      finds
==========================  ================================================================
:mod:`.personas_kods`       both formats, any separator; a wrong check digit on a real date
                            is ``invalid_personas_kods``
:mod:`.phone`               ``+371``/``00371`` and national numbers, any grouping; not dates or
                            amounts
:mod:`.email`               addresses, obfuscated (``[at]``, ``(dot)``, ``[et]``) and non-ASCII
:mod:`.iban`                IBANs with any spacing
:mod:`.address`             street addresses in Latvian case forms and abbreviations; postcodes
:mod:`.plate`               Latvian vehicle registration plates
:mod:`.unknown_name`        names not known in advance (a first-name lexicon and surname shape)
:mod:`.person_name`         the names and addresses of known persons (:class:`People`), in every
                            case form
==========================  ================================================================

:func:`recognise` reads the text once into its canonical form (:mod:`governance.identity.text`:
any Unicode space, dash or invisible character), runs the recognisers, maps the spans back to
the text as written and keeps the earliest, then longest, of overlapping spans. Scrubbing,
anonymisation gates, log redaction, the ledger's refusal of personal data, typed-text checks,
mention matching and the corpus benchmark all call it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from governance.identity.recognisers import (
    address,
    email,
    iban,
    personas_kods,
    phone,
    plate,
    unknown_name,
)
from governance.identity.recognisers.base import Examples, Span
from governance.identity.recognisers.person_name import People
from governance.identity.text import canonical, original_span

#: Every recogniser module, in the order overlapping spans of equal extent are preferred.
MODULES = (personas_kods, iban, email, phone, address, plate, unknown_name)
#: Every kind a span can have.
KINDS = (
    "personas_kods",
    "invalid_personas_kods",
    "phone",
    "email",
    "iban",
    "address",
    "postcode",
    "plate",
    "name",
)
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}

__all__ = ["KINDS", "MODULES", "Examples", "People", "Span", "recognise"]


def recognise(
    text: str,
    people: People | Sequence[People] | None = None,
    kinds: Collection[str] | None = None,
) -> list[Span]:
    """Non-overlapping spans of personal data in ``text``, in text order, with offsets into
    ``text`` as written. ``people``: known persons whose names and addresses count too;
    ``kinds``: only these kinds (default: all)."""
    if not isinstance(text, str):
        raise TypeError("recognise expects text (str)")
    if not text:
        return []
    canon, offsets = canonical(text)
    found: list[Span] = []
    for module in MODULES:
        found.extend(module.find(canon))
    for index in (people,) if isinstance(people, People) else (people or ()):
        if index:
            found.extend(index.find(canon))
    if kinds is not None:
        found = [span for span in found if span.kind in kinds]
    spans: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, -s.end, _PRIORITY.get(s.kind, 99))):
        if spans and span.start < spans[-1].end:
            continue
        spans.append(span)
    if offsets is None:
        return spans
    return [Span(s.kind, *original_span(offsets, s.start, s.end)) for s in spans]
