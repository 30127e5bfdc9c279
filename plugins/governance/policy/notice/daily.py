"""The daily notice check's body: plain arguments in, a PII-free summary out.

``governance_daily`` calls :func:`check_published` and records the summary in the audit ledger
with :func:`record_check`; the summary holds counts, statement ids and policy keys only (never a
quote, a contact or a value), so the ledger's own personal-data check accepts it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from governance.policy import load_policy
from governance.policy.notice.check import check_notice
from governance.policy.notice.published import PublishedNotice


def published_copy(policy) -> Path:
    """The copy of the published notice the policy keeps (``include/policy/notice/...``)."""
    return policy.directory / "notice" / policy.notice_map.notice.file


def check_published(
    policy_dir: str | Path | None = None, published: str | Path | None = None
) -> dict:
    """Check ``published`` (default: the policy's own copy) against the policy."""
    policy = load_policy(policy_dir)
    if policy.notice_map is None:
        from governance.errors import ConfigurationError

        raise ConfigurationError(
            "the policy has no notice map",
            field="notice/traceability.yaml",
            fix="add include/policy/notice/traceability.yaml (see include/policy/README.md)",
        )
    path = Path(published) if published else published_copy(policy)
    result = check_notice(policy, PublishedNotice.read(path))
    return {**result.summary(), "policy_version": policy.version}


def record_check(engine: Engine, actor: str, summary: dict) -> int:
    """One ``notice_check`` ledger entry for ``summary``; returns its sequence number."""
    from governance.audit.ledger import Ledger

    counts = {f"findings_{kind}": n for kind, n in summary["findings"].items()}
    counts.update(statements=summary["statements"], located_exactly=summary["located_exactly"])
    entry = Ledger(engine).append(
        "notice_check",
        actor,
        counts=counts,
        policy_version=summary["policy_version"],
        detail={
            "drift": summary["drift"],
            "notice_version": summary["notice_version"],
            "drift_statements": summary["drift_statements"],
            "drift_keys": summary["drift_keys"],
        },
    )
    return entry.seq
