"""Every spelling of a subject's identifiers, for Airflow's secret masker (a second line of
defence: the engine never logs them, and if a library ever did, the masker would hide them)."""

from __future__ import annotations

from governance.dsr.identifiers import Identifiers
from governance.dsr.requests import identifiers_of
from governance.errors import GovernanceError
from governance.sources.lookup import lookup_values, mention_needles, name_variants
from governance.store import open_store

#: Airflow never masks values shorter than this; shorter forms are not added.
MIN_MASKED = 5


def secret_forms(ids: Identifiers) -> list[str]:
    forms: set[str] = set()
    for kind, value in ids.values.items():
        forms.add(value)
        if kind in ("name", "address"):
            forms.update(name_variants(value))
            continue
        forms.update(lookup_values(kind, value))
        forms.update(mention_needles(kind, value))
        forms.update({value.upper(), value.lower()})
        if kind == "phone" and value.startswith("+371"):
            national = value[4:]
            forms.update({f"+371 {national}", f"00371-{national[:4]}-{national[4:]}"})
    return sorted(form for form in forms if len(form) >= MIN_MASKED)


def request_secret_forms(request_id: str | None) -> list[str]:
    """:func:`secret_forms` of a stored request's identifiers; none for no request id, or for
    an unknown or purged request (its ``load`` task fails with the clear message)."""
    if not request_id:
        return []
    try:
        return secret_forms(identifiers_of(open_store(), request_id))
    except GovernanceError:
        return []
