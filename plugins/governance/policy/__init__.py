"""The policy as code: load, lint, derive rights, render the Art. 30 record.

``load_policy()`` reads ``include/policy`` (or ``GOVERNANCE_POLICY``) into frozen models and
raises :class:`PolicyError` with every problem if the folder cannot be carried out;
``lint_policy()`` returns those problems instead. The ROPA renderer lives in
:mod:`governance.policy.ropa` (imported on use, it needs Jinja2).
"""

from governance.policy.loader import clear_cache, lint_policy, load_policy
from governance.policy.models import (
    CATEGORIES,
    IDENTIFIER_KINDS,
    RIGHTS,
    Column,
    Entity,
    Purpose,
    RetentionRule,
    Source,
)
from governance.policy.periods import (
    Period,
    PeriodFormatError,
    add_period,
    cutoff,
    parse_period,
    period_in_words,
)
from governance.policy.policy import EntityRef, Policy, UnknownNameError
from governance.policy.problems import PolicyError, Problem
from governance.policy.rights import RightDecision, derive_rights
from governance.policy.version import policy_version

__all__ = [
    "CATEGORIES",
    "IDENTIFIER_KINDS",
    "RIGHTS",
    "Column",
    "Entity",
    "EntityRef",
    "Period",
    "PeriodFormatError",
    "Policy",
    "PolicyError",
    "Problem",
    "Purpose",
    "RetentionRule",
    "RightDecision",
    "Source",
    "UnknownNameError",
    "add_period",
    "clear_cache",
    "cutoff",
    "derive_rights",
    "lint_policy",
    "load_policy",
    "parse_period",
    "period_in_words",
    "policy_version",
]
