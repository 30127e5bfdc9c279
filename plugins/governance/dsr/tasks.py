"""The bodies of the ``dsr`` DAG's tasks, Airflow-free: a request id in, PII-free dicts out.

Task bodies only: the approval choices are in ``approval.py``, the package in ``assemble.py``
(its zip in ``package.py``), the response letter in ``letters.py``, the passphrase's one
retrieval in ``passphrase.py``.

Each opens what it needs (policy, store, sources), so a retried task starts clean, and keeps
its working state in the store (``request_records``), so a re-run resumes where it stopped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.audit.ledger import Ledger
from governance.dsr import journal, requests
from governance.dsr import records as found_records
from governance.dsr.approval import APPROVAL_OPTIONS, APPROVE, APPROVE_ALL, REJECT, approval_text
from governance.dsr.assemble import assemble_package
from governance.dsr.execute import carry_out_system, fetch_rows
from governance.dsr.letters import write_response
from governance.dsr.locate import locate_in_system
from governance.dsr.plan import DESTRUCTIVE, Decision, decide
from governance.dsr.searchable import searchable_systems
from governance.errors import TerminalError
from governance.holds import HoldSet, active_holds
from governance.policy import Policy, load_policy
from governance.sources import SqlSources
from governance.sources.graph import dependants, depth
from governance.store import open_store
from governance.store.engine import write_session
from governance.store.models import Request, RequestRecord, Restriction

PACKAGE_TYPES = ("access", "portability")


class RequestNotReady(TerminalError):
    """The request may not run: identity not verified, or already closed."""


class RequestVerificationFailed(TerminalError):
    """After carrying out, the sources do not show what the plan said they would."""


def load(request_id: str, actor: str) -> dict[str, Any]:
    engine = open_store()
    view = requests.get(engine, request_id)
    if view.status == "registered":
        raise RequestNotReady(
            f"request {request_id}: identity not verified; record it with "
            "`governance dsr verify` before the request can run"
        )
    if view.status in requests.CLOSED:
        raise RequestNotReady(f"request {request_id} is already {view.status}")
    requests.set_status(engine, request_id, "in_progress", actor=actor)
    policy = load_policy()
    searchable = searchable_systems(policy)
    return {
        "request_id": request_id,
        "type": view.type,
        "systems": sorted(searchable),
        "due": view.due.isoformat(),
    }


def locate(request_id: str, system: str) -> dict[str, Any]:
    engine = open_store()
    ids = requests.identifiers_of(engine, request_id)
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        found = locate_in_system(policy, sources, system, ids)
    finally:
        sources.dispose()
    found_records.replace_found(engine, request_id, system, found)
    return {"system": system, "found": len(found), **dict(Counter(f.match for f in found))}


def _holds_for(engine, purpose: str, now: datetime, cache: dict[str, HoldSet]) -> HoldSet:
    if purpose not in cache:
        cache[purpose] = HoldSet(active_holds(engine, purpose=purpose, at=now))
    return cache[purpose]


def _anchor_of(policy: Policy, qualified: str) -> str | None:
    return next((rule.anchor for _, rule in policy.rules() if rule.entity == qualified), None)


def plan(request_id: str, today: date, now: datetime) -> dict[str, Any]:
    """Decide every found record (children before parents) and store the decisions."""
    engine = open_store()
    view = requests.get(engine, request_id)
    corrections = requests.corrections_of(engine, request_id)
    refs = set()
    with Session(engine) as session:
        refs = set(session.get(Request, request_id).subject_refs or [])
    policy = load_policy()
    rows_by_entity: dict[str, list[RequestRecord]] = defaultdict(list)
    for record in found_records.records(engine, request_id):
        if record.done_at is None:
            rows_by_entity[record.entity].append(record)
    sources = SqlSources(policy)
    holds: dict[str, HoldSet] = {}
    decisions: dict[tuple[str, str], Decision] = {}
    content: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        for entity in sorted(rows_by_entity, key=lambda e: depth(policy, e)):
            system = entity.split(".", 1)[0]
            with sources.engine(system).connect() as conn:
                content[entity] = fetch_rows(
                    conn, sources, policy, entity, [r.record_key for r in rows_by_entity[entity]]
                )
            anchor = _anchor_of(policy, entity)
            for record in rows_by_entity[entity]:
                row = content[entity].get(record.record_key)
                if row is None:
                    continue  # gone since locate (a sweep): nothing to decide
                purpose = policy.entity(entity).purpose
                hold = _holds_for(engine, purpose, now, holds).covers(
                    entity,
                    record.record_key,
                    anchor=row.get(anchor) if anchor else None,
                    row=row,
                    subject_refs=refs,
                )
                decisions[(entity, record.record_key)] = decide(
                    policy,
                    view.type,
                    qualified=entity,
                    match=record.match,
                    row=row,
                    today=today,
                    scope=view.scope,
                    hold_id=hold,
                    corrected_kinds=list(corrections.values),
                    kept_dependants=_kept_dependants(policy, entity, row, content, decisions),
                )
    finally:
        sources.dispose()
    found_records.set_decisions(engine, request_id, decisions)
    stored = found_records.records(engine, request_id)
    summary = found_records.summary(stored)
    needs_approval = any(d.decision in DESTRUCTIVE for d in decisions.values()) or any(
        r.match in ("possible", "mention") for r in stored
    )
    if needs_approval:
        requests.set_status(engine, request_id, "awaiting_approval", actor="dsr.plan")
    per_purpose = Counter((r.purpose or "?", r.decision or "undecided") for r in stored)
    return {
        "request_id": request_id,
        "type": view.type,
        "records": len(stored),
        "needs_approval": needs_approval,
        "lines": [
            {
                "purpose": purpose,
                "legal_basis": policy.purposes[purpose].legal_basis
                if purpose in policy.purposes
                else "?",
                "decision": decision,
                "records": count,
            }
            for (purpose, decision), count in sorted(per_purpose.items())
        ],
        **summary,
        "approval_text": approval_text(view.type, stored),
    }


def _kept_dependants(
    policy: Policy,
    entity: str,
    row: dict[str, Any],
    content: dict[str, dict[str, dict[str, Any]]],
    decisions: dict[tuple[str, str], Decision],
) -> list[tuple[str, date]]:
    """Found rows hanging off ``row`` that stay (so ``row`` must stay while they do)."""
    kept = []
    for dep in dependants(policy, entity):
        for key, child in content.get(dep.child, {}).items():
            if child.get(dep.fk_column) != row.get(dep.parent_column):
                continue
            decision = decisions.get((dep.child, key))
            if decision and decision.decision in ("retain", "forward"):
                kept.append((decision.reason, decision.retain_until or date.max))
    return kept


def carry_out(request_id: str, approval: str | None, actor: str) -> dict[str, Any]:
    """Apply the plan; ``approval`` is the DPO's choice, or None when none was needed."""
    engine = open_store()
    view = requests.get(engine, request_id)
    if approval == REJECT:
        requests.set_status(
            engine, request_id, "rejected", actor=actor, reason="the DPO rejected the plan"
        )
        return {"rejected": True, "include_uncertain": False}
    if approval not in (None, APPROVE, APPROVE_ALL):
        raise TerminalError(
            f"unknown approval choice; expected one of {APPROVAL_OPTIONS}", field="approval"
        )
    if view.status == "awaiting_approval":
        requests.set_status(engine, request_id, "in_progress", actor=actor)
    include_uncertain = approval == APPROVE_ALL
    policy = load_policy()
    effective = {"erase": "erase", "rectify": "rectify", "restrict": "restrict"}
    if include_uncertain:
        effective.update({"erase_if_approved": "erase", "redact": "redact"})
    per_system: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    restrictions = []
    for record in found_records.records(engine, request_id):
        action = effective.get(record.decision or "")
        if record.done_at is not None or action is None:
            continue
        if action == "restrict":
            restrictions.append(record)
        else:
            per_system[record.system].append((record.entity, record.record_key, action))
    ids = requests.identifiers_of(engine, request_id)
    corrections = requests.corrections_of(engine, request_id)
    ledger = Ledger(engine)
    sources = SqlSources(policy)
    try:
        for system, items in sorted(per_system.items()):
            result = carry_out_system(
                policy, sources, system, items, ids=ids, corrections=corrections
            )
            # Journal before marking done: a try killed in between redoes the system (a no-op)
            # and finds its entry, so its files are counted once (dsr/journal.py).
            journal.system_done(ledger, request_id, system, items, result.counts(), actor)
            found_records.mark_done(engine, request_id, result.done)
    finally:
        sources.dispose()
    _restrict(engine, request_id, restrictions)
    added = journal.carried_out(
        engine,
        request_id,
        actor,
        policy_version=policy.version,
        detail={"type": view.type, "approval": approval or "not needed"},
    )
    return {"rejected": False, "include_uncertain": include_uncertain, **added}


def _restrict(engine, request_id: str, records: list[RequestRecord]) -> int:
    if not records:
        return 0
    with write_session(engine) as session:
        refs = session.get(Request, request_id).subject_refs or []
        existing = {
            (r.entity, r.record_id)
            for r in session.scalars(
                select(Restriction).where(Restriction.request_id == request_id)
            )
        }
        for record in records:
            if (record.entity, record.record_key) in existing:
                continue
            session.add(
                Restriction(
                    request_id=request_id,
                    subject_ref=refs[0] if refs else "unknown",
                    purpose=record.purpose,
                    entity=record.entity,
                    record_id=record.record_key,
                    reason="GDPR Art. 18 restriction requested by the data subject",
                )
            )
    found_records.mark_done(engine, request_id, [(r.entity, r.record_key) for r in records])
    return len(records)


def verify(request_id: str) -> dict[str, Any]:
    """Locate again: nothing erased may be found; rectified records hold the new values."""
    engine = open_store()
    ids = requests.identifiers_of(engine, request_id)
    policy = load_policy()
    stored = found_records.records(engine, request_id)
    erased = {
        (r.entity, r.record_key)
        for r in stored
        if r.done_at and r.decision in ("erase", "erase_if_approved")
    }
    sources = SqlSources(policy)
    problems: list[str] = []
    try:
        still_there = 0
        for system in searchable_systems(policy):
            by_entity: dict[str, list[str]] = defaultdict(list)
            for entity, key in erased:
                if entity.startswith(system + "."):
                    by_entity[entity].append(key)
            with sources.engine(system).connect() as conn:
                for entity, keys in by_entity.items():
                    still_there += len(fetch_rows(conn, sources, policy, entity, keys))
            again = {(f.entity, f.key) for f in locate_in_system(policy, sources, system, ids)}
            still_there += len(again & erased)
        if still_there:
            problems.append(f"{still_there} erased record(s) are still in the sources")
    finally:
        sources.dispose()
    if problems:
        raise RequestVerificationFailed(f"request {request_id}: " + "; ".join(problems))
    return {"erased_checked": len(erased), "still_there": 0}


def respond(request_id: str, include_uncertain: bool, today: date) -> dict[str, Any]:
    """A package (access, portability) or a response letter (the rest), in the outbox."""
    engine = open_store()
    view = requests.get(engine, request_id)
    policy = load_policy()
    stored = found_records.records(engine, request_id)
    if view.type in PACKAGE_TYPES:
        return assemble_package(engine, policy, view, stored, include_uncertain, today)
    return write_response(engine, policy, view, stored, today)


def record(request_id: str, actor: str, summary: dict[str, Any]) -> dict[str, Any]:
    engine = open_store()
    view = requests.get(engine, request_id)
    if view.status == "rejected":
        return {"status": "rejected"}
    counts = {
        k: int(v) for k, v in summary.items() if isinstance(v, int) and not isinstance(v, bool)
    }
    counts.update(journal.totals(engine, request_id))  # every try's, not the last try's
    stored = found_records.records(engine, request_id)
    decisions = dict(Counter(r.decision or "undecided" for r in stored))
    requests.set_status(
        engine,
        request_id,
        "completed",
        actor=actor,
        outcome={"counts": counts, "decisions": decisions},
    )
    return {"status": "completed", **counts}
