"""The journal of carrying out a request, in the ledger: what every try did, so that a try
killed half-way (a worker lost between two source systems) is neither lost nor counted twice
when the task runs again.

- After each source system's transaction commits: one ``dsr_system_carried_out`` entry with
  what it did there (files removed, or found already gone because a killed try had removed
  them before its rows' transaction could commit), once per system and set of records.
- At the end: one ``dsr_carried_out`` entry with what this call added to the request's total,
  written when it adds something or when the request has none yet. Records erased, redacted,
  rectified and restricted are counted from the records marked done in the store (``done_at``),
  which a re-run never marks twice; files from the system entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine

from governance.audit.ledger import Ledger
from governance.dsr import records as found_records

SYSTEM_EVENT = "dsr_system_carried_out"
EVENT = "dsr_carried_out"
COUNTS = ("erased", "redacted", "rectified", "restricted", "files_removed", "files_already_gone")
_COUNTED_AS = {
    "erase": "erased",
    "erase_if_approved": "erased",
    "redact": "redacted",
    "rectify": "rectified",
    "restrict": "restricted",
}


def _digest(items: Iterable[tuple[str, str, str]]) -> str:
    """Which records a system's transaction covered (keys hashed: no values in the ledger)."""
    text = "\n".join(sorted(f"{entity}\t{key}\t{action}" for entity, key, action in items))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def system_done(
    ledger: Ledger,
    request_id: str,
    system: str,
    items: list[tuple[str, str, str]],
    counts: dict[str, int],
    actor: str,
) -> None:
    """Journal one system's committed transaction, unless a killed try already did."""
    digest = _digest(items)
    for entry in ledger.of_event(SYSTEM_EVENT, request_id=request_id):
        if entry.detail.get("system") == system and entry.detail.get("items") == digest:
            return  # that try was killed after this entry, before its records were marked done
    ledger.append(
        SYSTEM_EVENT,
        actor,
        request_id=request_id,
        counts=counts,
        detail={"system": system, "items": digest, "records": len(items)},
    )


def totals(engine: Engine, request_id: str) -> dict[str, int]:
    """What carrying out the request has done so far, over every try and every run."""
    counts = dict.fromkeys(COUNTS, 0)
    for record in found_records.records(engine, request_id):
        if record.done_at is not None and record.decision in _COUNTED_AS:
            counts[_COUNTED_AS[record.decision]] += 1
    for entry in Ledger(engine).of_event(SYSTEM_EVENT, request_id=request_id):
        for key in ("files_removed", "files_already_gone"):
            counts[key] += int(entry.counts.get(key, 0))
    return counts


def carried_out(
    engine: Engine,
    request_id: str,
    actor: str,
    *,
    policy_version: str,
    detail: dict[str, Any],
) -> dict[str, int]:
    """Append what this call added to the request's total (the first entry always); return it."""
    ledger = Ledger(engine)
    entries = ledger.of_event(EVENT, request_id=request_id)
    now = totals(engine, request_id)
    added = {key: now[key] - sum(int(e.counts.get(key, 0)) for e in entries) for key in COUNTS}
    if not entries or any(added.values()):
        ledger.append(
            EVENT,
            actor,
            request_id=request_id,
            counts=added,
            policy_version=policy_version,
            detail=detail,
        )
    return added
