"""The bodies of a retention DAG's tasks, Airflow-free: plain arguments in, PII-free dicts out.

``dags/retention.py`` wraps each in an Airflow task; tests and the CLI call them directly. Every
function opens what it needs itself (policy, sources, store), so a retried task starts clean.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime
from typing import Any

from governance.audit.ledger import Ledger
from governance.errors import TerminalError
from governance.holds import HoldSet, active_holds, restrictions_in_force
from governance.policy import load_policy
from governance.retention import actions
from governance.retention.actions.archive import archive_set_id
from governance.retention.selection import resolve
from governance.retention.sweep import RuleCounts, SweepOptions, plan_rule, sweep_rule, verify_rule
from governance.sources import SqlSources
from governance.store import open_store

log = logging.getLogger("governance.retention")

__all__ = ["archive_set_id", "gate", "plan", "record", "sweep", "verify"]


class RetentionVerificationFailed(TerminalError):
    """After a sweep, due and unheld records remain, or records not yet due were lost."""


def _kept(purpose_id: str, now: datetime) -> dict[str, HoldSet]:
    """The holds of the purpose and every restriction in force, read once per task."""
    store = open_store()
    return {
        "holds": HoldSet(active_holds(store, purpose=purpose_id, at=now)),
        "restrictions": restrictions_in_force(store),
    }


def plan(purpose_id: str, rule_id: str, now: datetime) -> dict[str, int]:
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        counts = plan_rule(policy, sources, purpose_id, rule_id, now=now, **_kept(purpose_id, now))
    finally:
        sources.dispose()
    return counts.as_dict()


#: The ledger's journal of a sweep: one entry per committed batch (what it removed).
BATCH_EVENT = "retention_batch"


def _journal(purpose_id: str, rule_id: str, run_id: str, policy_version: str):
    """``on_batch`` for a sweep: each committed batch becomes a ledger entry, so that what a
    try had done survives the try (a worker killed mid-sweep) and ``record`` counts it."""
    ledger = Ledger(open_store())
    attempt = uuid.uuid4().hex[:12]  # which try wrote it (several: the sweep was resumed)

    def on_batch(counts: dict[str, int]) -> None:
        ledger.append(
            BATCH_EVENT,
            "governance.retention.sweep",
            purpose=purpose_id,
            rule=rule_id,
            counts=counts,
            policy_version=policy_version,
            detail={"run_id": run_id, "attempt": attempt},
        )

    return on_batch


def sweep(
    purpose_id: str, rule_id: str, now: datetime, run_id: str, batch_size: int | None = None
) -> dict[str, Any]:
    policy = load_policy()
    target = resolve(policy, purpose_id, rule_id, now)
    action = actions.get(target.rule.action)
    config = action.configure(target, run_id=run_id)
    options = SweepOptions(
        batch_size=batch_size or policy.defaults.batch_size,
        bulk_batch_size=batch_size or policy.defaults.bulk_batch_size,
        on_batch=_journal(purpose_id, rule_id, run_id, policy.version),
    )
    sources = SqlSources(policy)
    try:
        counts = sweep_rule(
            policy,
            sources,
            purpose_id,
            rule_id,
            now=now,
            options=options,
            config=config,
            **_kept(purpose_id, now),
        )
    finally:
        sources.dispose()
    result: dict[str, Any] = counts.as_dict()
    result["detail"] = action.complete(config, counts.removed, policy=policy, target=target)
    return result


def verify(purpose_id: str, rule_id: str, now: datetime, planned: dict[str, int]) -> dict[str, int]:
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        ok, after, problems = verify_rule(
            policy,
            sources,
            purpose_id,
            rule_id,
            now=now,
            planned=RuleCounts.from_dict(planned),
            **_kept(purpose_id, now),
        )
    finally:
        sources.dispose()
    if not ok:
        raise RetentionVerificationFailed(
            f"rule {purpose_id}.{rule_id} failed verification: " + "; ".join(problems)
        )
    return after.as_dict()


def record(
    purpose_id: str,
    rule_id: str,
    *,
    run_id: str,
    actor: str,
    planned: dict[str, int],
    swept: dict[str, Any],
    verified: dict[str, int],
) -> int:
    """One ledger entry for the rule's run: what was due, held, restricted, removed, under which policy.

    What was removed is summed from the run's batch journal, not taken from ``swept`` (the
    last try's result): a sweep resumed after a killed try counts the batches of every try.
    A second call for the same run (a try killed after the entry was written) writes nothing.
    """
    policy = load_policy()
    rule = next(r for r in policy.purpose(purpose_id).retention if r.id == rule_id)
    ledger = Ledger(open_store())
    for entry in ledger.of_event("retention_sweep", purpose=purpose_id, rule=rule_id):
        if entry.detail.get("run_id") == run_id:
            return entry.seq
    batches = [
        entry
        for entry in ledger.of_event(BATCH_EVENT, purpose=purpose_id, rule=rule_id)
        if entry.detail.get("run_id") == run_id
    ]
    journaled = {
        key: sum(int(entry.counts.get(key, 0)) for entry in batches)
        for key in ("removed", "dependants_removed", "files_removed", "files_already_gone")
    }
    # Rows that were due at the plan and are gone now, beyond what the journal names: a try
    # killed between a batch's commit and its entry, or someone else deleting due rows.
    unrecorded = max(0, planned.get("due", 0) - verified.get("due", 0) - journaled["removed"])
    counts = {
        "due": planned.get("due", 0),
        "held": planned.get("held", 0),
        "restricted": planned.get("restricted", 0),
        "blocked": planned.get("blocked", 0),
        actions.get(rule.action).past_tense: journaled["removed"],
        "dependants_removed": journaled["dependants_removed"],
        "files_removed": journaled["files_removed"],
        "files_already_gone": journaled["files_already_gone"],
        "due_gone_unrecorded": unrecorded,
        "suppressed": swept.get("suppressed", 0),
        "remaining_due_unheld": verified.get("actionable", 0),
    }
    entry = ledger.append(
        "retention_sweep",
        actor,
        purpose=purpose_id,
        rule=rule_id,
        counts=counts,
        policy_version=policy.version,
        detail={
            "run_id": run_id,
            "entity": rule.entity,
            "action": rule.action,
            "anchor": rule.anchor,
            "period": rule.period,
            **(swept.get("detail") or {}),
            "verified": True,
            "batches": len(batches),
            "tries_with_batches": len({entry.detail.get("attempt") for entry in batches}),
        },
    )
    return entry.seq


class AnonymisationGateFailed(TerminalError):
    """An anonymised table can still single a person out, or holds an identifier."""


def gate_evidence_dir(purpose_id: str, rule_id: str, run_id: str):
    from governance import settings

    run_key = re.sub(r"[^a-z0-9_.-]+", "-", run_id.lower()).strip("-") or "run"
    return settings.reports_dir() / "evidence" / purpose_id / rule_id / run_key


def gate(purpose_id: str, rule_id: str, *, run_id: str, actor: str) -> dict[str, Any]:
    """Run the rule's checkpoint of the Great Expectations project (``gx/``) on its anonymised
    table: the validation joins the history and Data Docs are rebuilt under ``reports/gx``.
    Record the outcome in the ledger either way, and raise when a gate fails (the sweep is then
    non-compliant)."""
    from governance.anonymise.gates import run_checkpoint
    from governance.connections import get_connection

    policy = load_policy()
    rule = next(r for r in policy.purpose(purpose_id).retention if r.id == rule_id)
    spec = rule.anonymise
    system = rule.entity.split(".")[0]
    url = get_connection(policy.sources[system].conn_id).sqlalchemy_url()
    sources = SqlSources(policy)
    try:
        from governance.anonymise.kanon import SqlAnonymiser
        from governance.identity.pseudonym import subject_key

        SqlAnonymiser(sources.engine(system), spec, subject_key())  # the table exists, even empty
    finally:
        sources.dispose()
    report = run_checkpoint(
        purpose_id, rule_id, url=url, evidence_dir=gate_evidence_dir(purpose_id, rule_id, run_id)
    )
    for line in report.summary_lines():
        log.info("anonymise.gate %s", line)
    k_seen = report.observed("expect_table_k_anonymity")
    l_seen = report.observed("expect_table_l_diversity")
    Ledger(open_store()).append(
        "anonymisation_gate",
        actor,
        purpose=purpose_id,
        rule=rule_id,
        counts={
            "expectations": len(report.results),
            "failed_expectations": len(report.failed),
            "k_observed": int(k_seen) if k_seen is not None else -1,
            "l_observed": int(l_seen) if l_seen is not None else -1,
        },
        policy_version=policy.version,
        detail={
            "run_id": run_id,
            "entity": rule.entity,
            "target_table": spec.target_table,
            "passed": report.passed,
            "k_target": spec.k,
            "l_target": spec.l,
            "failed": [f"{r.expectation}:{r.column or '-'}" for r in report.failed],
            "rows": report.rows(),
            "compliant": report.passed,
        },
    )
    if not report.passed:
        raise AnonymisationGateFailed(
            f"rule {purpose_id}.{rule_id}: {len(report.failed)} anonymisation gate(s) failed ("
            + ", ".join(f"{r.expectation} on {r.column or 'table'}" for r in report.failed)
            + "); the sweep is recorded as non-compliant; evidence: "
            + str(gate_evidence_dir(purpose_id, rule_id, run_id))
            + "; Data Docs: "
            + str(report.data_docs)
        )
    return {
        "passed": True,
        "expectations": len(report.results),
        "k_observed": k_seen,
        "l_observed": l_seen,
        "rows": report.rows(),
    }
