"""What a request does to each record it found, under the record's purpose, and why.

``decide`` is a pure function of the request type, the record's purpose and rules, its match
and what the store knows (holds): the whole of the policy's reasoning about a request lives
here, so it can be tested record by record. The outcome (a :class:`Decision`) says what happens
and why, in words a DPO or an auditor can check against the notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from governance.policy import Policy
from governance.policy.models import Purpose, RetentionRule
from governance.policy.periods import add_period

#: Decisions that change or remove data, so the DPO approves them first.
DESTRUCTIVE = ("erase", "redact", "rectify")
#: Decisions that only take effect when the DPO approves the uncertain matches.
IF_APPROVED = ("include_if_approved", "erase_if_approved", "redact")
#: Every decision the planner makes.
DECISIONS = (
    "include",
    "include_if_approved",
    "exclude",
    "erase",
    "erase_if_approved",
    "redact",
    "retain",
    "forward",
    "rectify",
    "restrict",
    "no_change",
    "out_of_scope",
)


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str
    purpose: str | None = None
    retain_until: date | None = None


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


def statutory_retention(
    policy: Policy, qualified: str, row: Mapping[str, Any], today: date
) -> tuple[RetentionRule, date] | None:
    """The statute rule that still keeps this record, and the day it lets go (or None)."""
    kept: tuple[RetentionRule, date] | None = None
    for _, rule in policy.rules():
        if rule.entity != qualified or not rule.rests_on.statute:
            continue
        if any(str(row.get(c)) != str(v) for c, v in rule.where.items()):
            continue
        anchor = _as_date(row.get(rule.anchor))
        if anchor is None:  # the period has not started: kept for as long as the statute says
            return rule, date.max
        until = add_period(anchor, rule.parsed_period)
        if until > today and (kept is None or until > kept[1]):
            kept = (rule, until)
    return kept


def decide(
    policy: Policy,
    request_type: str,
    *,
    qualified: str,
    match: str,
    row: Mapping[str, Any],
    today: date,
    scope: Sequence[str] = ("*",),
    hold_id: str | None = None,
    corrected_kinds: Sequence[str] = (),
    kept_dependants: Sequence[tuple[str, date]] = (),
) -> Decision:
    """The decision for one found record.

    ``kept_dependants``: (statute, until) of rows that hang off this one and are kept, so this
    one must stay while they do (a customer row while its billing is kept).
    """
    entity = policy.entity(qualified)
    purpose_id = entity.purpose
    purpose = policy.purpose(purpose_id)
    if list(scope) != ["*"] and purpose_id not in scope:
        return Decision(
            "out_of_scope", f"purpose {purpose_id} is outside the request's scope", purpose_id
        )
    rights = policy.rights(purpose_id)
    uncertain = match in ("possible", "mention")

    if request_type == "access":
        if uncertain:
            return Decision(
                "include_if_approved",
                f"{match} match: included only if the DPO confirms it is this person",
                purpose_id,
            )
        return Decision("include", "right of access (GDPR Art. 15)", purpose_id)

    if request_type == "portability":
        right = rights["portability"]
        if not right.allowed:
            return Decision("exclude", f"not portable: {right.reason}", purpose_id)
        if not entity.subject_provided_columns():
            return Decision(
                "exclude", "not portable: the subject did not provide this data", purpose_id
            )
        if uncertain:
            return Decision(
                "include_if_approved",
                f"{match} match: included only if the DPO confirms it is this person",
                purpose_id,
            )
        return Decision(
            "include",
            f"portable: provided by the subject under {purpose.legal_basis} (GDPR Art. 20)",
            purpose_id,
        )

    if request_type == "rectification":
        columns = [
            name
            for name, column in entity.identifier_columns().items()
            if column.identifier in corrected_kinds
        ]
        if uncertain or not columns:
            return Decision(
                "no_change", "no column of a corrected kind, or not a sure match", purpose_id
            )
        return Decision(
            "rectify", "right to rectification (GDPR Art. 16): " + ", ".join(columns), purpose_id
        )

    # The rest stop or limit processing: erasure, restriction, objection, consent withdrawal.
    right_name = {
        "erasure": "erasure",
        "restriction": "restriction",
        "objection": "objection",
        "consent_withdrawal": "consent_withdrawal",
    }[request_type]
    right = rights[right_name]
    if not right.allowed:
        if request_type in ("objection", "consent_withdrawal"):
            return Decision("no_change", f"{right_name} does not apply: {right.reason}", purpose_id)
        statute = statutory_retention(policy, qualified, row, today)
        until = statute[1] if statute and statute[1] != date.max else None
        return Decision("retain", f"{right_name} does not apply: {right.reason}", purpose_id, until)
    if hold_id:
        return Decision("retain", f"under legal hold {hold_id}", purpose_id)
    if request_type == "restriction":
        if uncertain:
            return Decision(
                "no_change", f"{match} match: not restricted without confirmation", purpose_id
            )
        return Decision("restrict", "processing restricted (GDPR Art. 18): stored only", purpose_id)
    statute = statutory_retention(policy, qualified, row, today)
    if statute is not None:
        rule, until = statute
        return Decision(
            "retain",
            f"kept under {policy.legal_fact(rule.rests_on.statute).citation('en')} (rule {rule.id})",
            purpose_id,
            None if until == date.max else until,
        )
    if kept_dependants:
        statute_text, until = max(kept_dependants, key=lambda item: item[1])
        return Decision(
            "retain",
            f"records kept under {statute_text} depend on it",
            purpose_id,
            None if until == date.max else until,
        )
    if purpose.role == "processor":
        client = row.get("client_name") or (
            f"client #{row['client_id']}" if row.get("client_id") is not None else "the client"
        )
        return Decision(
            "forward",
            f"processed on behalf of {client} (controller); forwarded, not erased without the "
            "client's recorded instruction",
            purpose_id,
        )
    if match == "mention":
        return Decision("redact", "the subject's identifiers are removed from the text", purpose_id)
    if match == "possible":
        return Decision(
            "erase_if_approved",
            "possible match: erased only if the DPO confirms it is this person",
            purpose_id,
        )
    why = {
        "erasure": f"right to erasure (GDPR Art. 17) under {purpose.legal_basis}",
        "objection": "objection upheld (GDPR Art. 21): processing stops",
        "consent_withdrawal": "consent withdrawn (GDPR Art. 7(3)): processing stops",
    }[request_type]
    return Decision("erase", why, purpose_id)


def purpose_of(policy: Policy, qualified: str) -> Purpose:
    return policy.purpose(policy.entity(qualified).purpose)
