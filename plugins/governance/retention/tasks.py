"""The bodies of a retention DAG's tasks, Airflow-free: plain arguments in, PII-free dicts out.

``dags/retention.py`` wraps each in an Airflow task; tests and the CLI call them directly. Every
function opens what it needs itself (policy, sources, store), so a retried task starts clean.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from governance.audit.ledger import Ledger
from governance.errors import GovernanceError
from governance.policy import load_policy
from governance.retention.holds import HoldSet, active_holds
from governance.retention.sweep import RuleCounts, SweepOptions, plan_rule, sweep_rule, verify_rule
from governance.sources import SqlSources
from governance.store import open_store

PAST_TENSE = {"delete": "deleted", "archive": "archived", "anonymise": "anonymised"}


class RetentionVerificationFailed(GovernanceError):
    """After a sweep, due and unheld records remain, or records not yet due were lost."""


def _holds(purpose_id: str, now: datetime) -> HoldSet:
    return HoldSet(active_holds(open_store(), purpose=purpose_id, at=now))


def archive_set_id(purpose_id: str, rule_id: str, run_id: str) -> str:
    """A stable, path-safe set id per rule and run (a retried task writes into the same set)."""
    run_key = re.sub(r"[^a-z0-9_.-]+", "-", run_id.lower()).strip("-") or "run"
    return f"{purpose_id}/{rule_id}/{run_key}"


def plan(purpose_id: str, rule_id: str, now: datetime) -> dict[str, int]:
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        counts = plan_rule(
            policy, sources, purpose_id, rule_id, now=now, holds=_holds(purpose_id, now)
        )
    finally:
        sources.dispose()
    return counts.as_dict()


def sweep(
    purpose_id: str, rule_id: str, now: datetime, run_id: str, batch_size: int | None = None
) -> dict[str, Any]:
    policy = load_policy()
    rule = next(r for r in policy.purpose(purpose_id).retention if r.id == rule_id)
    store = None
    set_id = None
    if rule.action == "archive":
        from governance.retention.archive_store import ArchiveStore, archive_root, load_archive_key

        store = ArchiveStore(archive_root(), load_archive_key())
        set_id = archive_set_id(purpose_id, rule_id, run_id)
    options = SweepOptions(batch_size=batch_size or policy.defaults.batch_size, archive_set=set_id)
    sources = SqlSources(policy)
    try:
        counts = sweep_rule(
            policy,
            sources,
            purpose_id,
            rule_id,
            now=now,
            holds=_holds(purpose_id, now),
            options=options,
            archive_store=store,
        )
    finally:
        sources.dispose()
    if store is not None and counts.removed:
        store.seal(
            set_id,
            purpose=purpose_id,
            rule=rule_id,
            entity=rule.entity,
            policy_version=policy.version,
        )
    result: dict[str, Any] = counts.as_dict()
    result["archive_set"] = set_id if counts.removed else None
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
            holds=_holds(purpose_id, now),
            planned=RuleCounts(**{k: planned.get(k, 0) for k in RuleCounts().as_dict()}),
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
    """One ledger entry for the rule's run: what was due, held, removed, under which policy."""
    policy = load_policy()
    rule = next(r for r in policy.purpose(purpose_id).retention if r.id == rule_id)
    counts = {
        "due": planned.get("due", 0),
        "held": planned.get("held", 0),
        "blocked": planned.get("blocked", 0),
        PAST_TENSE[rule.action]: swept.get("removed", 0),
        "dependants_removed": swept.get("dependants_removed", 0),
        "files_removed": swept.get("files_removed", 0),
        "remaining_due_unheld": verified.get("actionable", 0),
    }
    entry = Ledger(open_store()).append(
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
            "archive_set": swept.get("archive_set"),
            "verified": True,
        },
    )
    return entry.seq
