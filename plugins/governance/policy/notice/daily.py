"""The daily notice check's body: plain arguments in, a PII-free summary out.

``governance_daily`` calls :func:`check_published` and records the summary in the audit ledger
(``governance.daily.check_notice``); the summary holds counts, statement ids and policy keys only (never a
quote, a contact or a value), so the ledger's own personal-data check accepts it.
"""

from __future__ import annotations

from pathlib import Path

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
