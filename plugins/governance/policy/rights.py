"""Data-subject rights, derived from the legal basis and the data map as the notice states them.

The derived rule per right (include/policy/README.md): access and rectification always; erasure
and restriction not under ``legal_obligation`` (the notice: "not possible where processing follows
from legal requirements", GDPR Art. 17(3)(b)); objection only where a basis is legitimate interests
or a public task (Art. 21(1)) and not under a legal obligation; consent withdrawal only under
consent (Art. 7(3)); portability only under consent or contract and only for columns the data map
marks ``provided_by_subject`` (Art. 20). A purpose may override a right, with a reason.

A processor purpose (``controllers_basis``) decides no right itself: every request goes to the
client, the controller, and the company assists (Art. 28(3)(e)); the rule is
``controller_decides``.
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.policy.models import RIGHTS, Purpose


@dataclass(frozen=True)
class RightDecision:
    """Whether a right applies to a purpose, and why.

    ``rule`` is a short code of the reasoning (``always``, ``legal_obligation``, ``override``...)
    so reports can say it in either language; ``reason`` says it in English (an override's own
    reason, in English; the policy holds both languages).
    """

    allowed: bool
    reason: str
    rule: str

    @property
    def overridden(self) -> bool:
        return self.rule == "override"


_OBJECTION_BASES = ("legitimate_interests", "public_task")
_PORTABILITY_BASES = ("consent", "contract")


def derive_rights(purpose: Purpose, provided_columns: int) -> dict[str, RightDecision]:
    """Every right in :data:`~governance.policy.models.RIGHTS` for ``purpose``.

    ``provided_columns`` is how many columns of the purpose's entities the data map marks
    ``provided_by_subject``.
    """
    basis = purpose.legal_basis
    if basis == "controllers_basis":
        client = RightDecision(
            True,
            "processed on behalf of the client: the client (the controller) decides on the "
            "request; the company passes it on and assists (GDPR Art. 28(3)(e))",
            "controller_decides",
        )
        decisions = dict.fromkeys(RIGHTS, client)
        for right, override in purpose.rights_overrides.given().items():
            reason = override.reason.en if override.reason else ""
            decisions[right] = RightDecision(override.allowed, reason, "override")
        return decisions
    legal_obligation = basis == "legal_obligation"
    blocked_by_law = RightDecision(
        False,
        "processing follows from a legal obligation; the notice excludes this right "
        "(GDPR Art. 17(3)(b), Art. 18)",
        "legal_obligation",
    )
    decisions: dict[str, RightDecision] = {
        "access": RightDecision(True, "always available (GDPR Art. 15)", "always"),
        "rectification": RightDecision(True, "always available (GDPR Art. 16)", "always"),
        "erasure": blocked_by_law
        if legal_obligation
        else RightDecision(True, f"legal basis {basis} allows erasure (GDPR Art. 17)", "basis"),
        "restriction": blocked_by_law
        if legal_obligation
        else RightDecision(True, f"legal basis {basis} allows restriction (GDPR Art. 18)", "basis"),
    }
    if legal_obligation:
        decisions["objection"] = blocked_by_law
    elif any(b in _OBJECTION_BASES for b in purpose.legal_bases):
        decisions["objection"] = RightDecision(
            True,
            "processing rests on legitimate interests or a public task (GDPR Art. 21)",
            "basis",
        )
    else:
        decisions["objection"] = RightDecision(
            False,
            "objection applies only to processing on legitimate interests or a public task "
            "(GDPR Art. 21)",
            "no_objection_basis",
        )
    decisions["consent_withdrawal"] = (
        RightDecision(True, "processing rests on consent (GDPR Art. 7(3))", "basis")
        if basis == "consent"
        else RightDecision(False, "processing does not rest on consent", "not_consent")
    )
    if basis not in _PORTABILITY_BASES:
        decisions["portability"] = RightDecision(
            False,
            "portability applies only to processing on consent or contract (GDPR Art. 20)",
            "not_consent_or_contract",
        )
    elif provided_columns == 0:
        decisions["portability"] = RightDecision(
            False,
            "the data map marks no column of this purpose as provided by the subject",
            "nothing_provided",
        )
    else:
        decisions["portability"] = RightDecision(
            True,
            f"{basis} basis; {provided_columns} column(s) provided by the subject (GDPR Art. 20)",
            "basis",
        )
    for right, override in purpose.rights_overrides.given().items():
        reason = override.reason.en if override.reason else ""
        decisions[right] = RightDecision(override.allowed, reason, "override")
    return {right: decisions[right] for right in RIGHTS}
