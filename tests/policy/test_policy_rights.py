"""Rights derived from the legal basis and the data map, and overrides that need a reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from governance.policy import RIGHTS, load_policy
from governance.policy.models import RightOverride

R = "purposes/recruitment.yaml"
E = "purposes/e_invoicing.yaml"


def _allowed(policy, purpose_id: str) -> dict[str, bool]:
    return {right: d.allowed for right, d in policy.rights(purpose_id).items()}


def test_every_right_is_decided(policy_copy):
    decided = load_policy(policy_copy).rights("recruitment")
    assert tuple(decided) == RIGHTS
    assert all(d.reason for d in decided.values())


def test_consent_purpose(policy_copy):
    assert _allowed(load_policy(policy_copy), "recruitment") == {
        "access": True,
        "rectification": True,
        "erasure": True,
        "restriction": True,
        "objection": False,
        "consent_withdrawal": True,
        "portability": True,
    }


def test_legal_obligation_blocks_erasure_restriction_and_objection(edit):
    root = edit(R, "legal_basis: consent", "legal_basis: legal_obligation")
    rights = load_policy(root).rights("recruitment")
    for right in ("erasure", "restriction", "objection"):
        assert not rights[right].allowed
        assert rights[right].rule == "legal_obligation"
    assert rights["access"].allowed and rights["rectification"].allowed
    assert not rights["portability"].allowed
    assert not rights["consent_withdrawal"].allowed


def test_legal_obligation_blocks_objection_even_with_legitimate_interests(edit):
    edit(R, "legal_basis: consent", "legal_basis: legal_obligation")
    root = edit(
        R, "role: controller", "additional_legal_bases: [legitimate_interests]\nrole: controller"
    )
    assert not load_policy(root).rights("recruitment")["objection"].allowed


def test_legitimate_interests_allow_objection(edit):
    root = edit(R, "legal_basis: consent", "legal_basis: legitimate_interests")
    rights = _allowed(load_policy(root), "recruitment")
    assert rights["objection"] and rights["erasure"] and rights["restriction"]
    assert not rights["portability"]  # only consent or contract
    assert not rights["consent_withdrawal"]


def test_additional_legitimate_interests_allow_objection(edit):
    root = edit(
        R,
        "legal_basis: consent",
        "legal_basis: vital_interests\nadditional_legal_bases: [legitimate_interests]",
    )
    assert load_policy(root).rights("recruitment")["objection"].allowed


@pytest.mark.parametrize("basis", ["consent", "contract"])
def test_portability_for_consent_or_contract_with_subject_provided_columns(edit, basis):
    root = edit(R, "legal_basis: consent", f"legal_basis: {basis}")
    policy = load_policy(root)
    assert policy.rights("recruitment")["portability"].allowed
    assert policy.portable_columns("recruitment") == {
        "recruitment.candidates": ("full_name", "email", "motivation_letter", "cv_path")
    }


@pytest.mark.parametrize("basis", ["legal_obligation", "vital_interests", "public_task"])
def test_no_portability_on_other_bases(edit, basis):
    root = edit(R, "legal_basis: consent", f"legal_basis: {basis}")
    decision = load_policy(root).rights("recruitment")["portability"]
    assert not decision.allowed
    assert decision.rule == "not_consent_or_contract"


def test_no_portability_without_subject_provided_columns(policy_copy):
    path = policy_copy / "sources" / "recruitment.yaml"
    path.write_text(path.read_text("utf-8").replace(", provided_by_subject: true", ""), "utf-8")
    decision = load_policy(policy_copy).rights("recruitment")["portability"]
    assert not decision.allowed
    assert decision.rule == "nothing_provided"


def test_a_processor_purpose_leaves_every_right_to_the_client(policy_copy):
    """A processor has no basis of its own: each request goes to the client, who decides."""
    rights = load_policy(policy_copy).rights("e_invoicing")
    assert {d.rule for d in rights.values()} == {"controller_decides"}
    assert "Art. 28(3)(e)" in rights["erasure"].reason


def test_a_processor_purpose_with_a_basis_of_its_own_is_refused(edit):
    from datetime import date

    from governance.policy import lint_policy

    root = edit(E, "legal_basis: controllers_basis", "legal_basis: contract")
    (problem,) = lint_policy(root, today=date(2026, 12, 1))
    assert problem.message.startswith("a processor has no legal basis of its own")


def test_override_replaces_the_derived_decision_with_its_reason(edit):
    root = edit(
        E,
        "retention:",
        "rights_overrides:\n"
        "  erasure: {allowed: false, reason: {lv: likums, en: accounting law keeps invoices}}\n"
        "retention:",
    )
    decision = load_policy(root).rights("e_invoicing")["erasure"]
    assert (decision.allowed, decision.reason, decision.overridden) == (
        False,
        "accounting law keeps invoices",
        True,
    )


def test_override_without_reason_is_rejected():
    with pytest.raises(ValidationError, match="needs a reason"):
        RightOverride.model_validate({"allowed": False})


@pytest.mark.parametrize("reason", ["", "a reason in English only", {"lv": "tikai latviski"}])
def test_override_reason_needs_both_languages(reason):
    with pytest.raises(ValidationError):
        RightOverride.model_validate({"allowed": False, "reason": reason})


def test_override_without_reason_is_a_lint_error(edit):
    from datetime import date

    from governance.policy import lint_policy

    root = edit(R, "retention:", "rights_overrides:\n  objection: {allowed: true}\nretention:")
    (problem,) = lint_policy(root, today=date(2026, 12, 1))
    assert problem.line == 15
    assert "objection: a rights override needs a reason" in problem.message
