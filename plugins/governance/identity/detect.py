"""Is there personal data in this text? The entry points the ledger, log redaction and the
typed-text checks (hold reasons, verification references, extension reasons) call.

They read the one recogniser set (:mod:`governance.identity.recognisers`), so every caller
sees what the scrub and the anonymisation gates see: personas kodi with any separator, phones
in any grouping, obfuscated e-mails, IBANs with any spacing, street addresses, vehicle plates
and names (a first name from the lexicon with a surname). Two kinds the scrub also removes do
not count here, as they do not single a person out in a sentence an auditor reads: a postcode,
and eleven digits that fail the personas kods check (``invalid_personas_kods``).
"""

from __future__ import annotations

from governance.identity.recognisers import recognise

#: Kinds these entry points report.
KINDS = ("email", "phone", "personas_kods", "iban", "address", "plate", "name")
_KINDS = frozenset(KINDS)


def find_identifier_spans(text: str) -> list[tuple[str, int, int]]:
    """Non-overlapping ``(kind, start, end)`` spans in text order; on overlap the earlier, then
    the longer, match wins (an IBAN or e-mail address swallows the digits inside it)."""
    if not isinstance(text, str):
        raise TypeError("find_identifier_spans expects text (str)")
    return [tuple(span) for span in recognise(text) if span.kind in _KINDS]  # type: ignore[misc]


def identifier_kinds_in(text: str) -> set[str]:
    """The kinds of identifier found in ``text`` (a subset of ``KINDS``)."""
    return {kind for kind, _, _ in find_identifier_spans(text)}


def contains_identifier(text: str) -> bool:
    """True if ``text`` holds personal data of any kind in ``KINDS``."""
    return bool(find_identifier_spans(text))
