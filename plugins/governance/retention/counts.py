"""What a plan or a sweep found, and the one log line each writes: counts only, never a value."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from governance.audit.logline import log_decision
from governance.policy import Policy
from governance.retention.selection import RuleTarget

log = logging.getLogger("governance.retention")

#: Counts every log line shows, even at zero: what was due and what was kept from the sweep.
ALWAYS_SHOWN = ("due", "held", "restricted")


@dataclass(frozen=True)
class RuleCounts:
    """What a plan or a sweep found; carries no personal data, so it may cross XCom."""

    due: int = 0
    held: int = 0
    restricted: int = 0  # due, but restricted (Art. 18): may only be stored
    blocked: int = 0
    actionable: int = 0
    not_due: int = 0
    removed: int = 0
    dependants_removed: int = 0
    files_removed: int = 0
    batches: int = 0
    suppressed: int = 0  # anonymise: rows of classes below k or l, removed from the output
    files_already_gone: int = 0  # files of removed rows that were no longer there

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, int]) -> RuleCounts:
        """From an XCom'd ``as_dict()`` (keys it lacks count 0, keys it does not know are
        ignored, so a result from an older version still reads)."""
        return cls(**{k: int(values.get(k, 0) or 0) for k in cls().as_dict()})


def log_counts(
    event: str, policy: Policy, target: RuleTarget, counts: RuleCounts, **extra: str
) -> None:
    purpose = policy.purpose(target.purpose)
    log_decision(
        log,
        event,
        purpose=target.purpose,
        rule=target.rule.id,
        legal_basis=purpose.legal_basis,
        entity=target.entity,
        anchor=target.rule.anchor,
        period=target.rule.period,
        **extra,
        **{k: v for k, v in counts.as_dict().items() if v or k in ALWAYS_SHOWN},
        policy_version=policy.version[:12],
    )
