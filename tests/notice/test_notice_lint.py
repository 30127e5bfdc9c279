"""What the linter refuses around the notice: stale legal facts, internal notes, unknown grounds."""

from __future__ import annotations

from datetime import date

from governance.cli import main
from governance.policy import lint_policy


def test_a_legal_fact_older_than_its_allowed_age_is_refused(policy_copy, capsys):
    fresh = date(2027, 12, 1)  # checked 2026-12-01 + P1Y
    assert lint_policy(policy_copy, today=fresh) == []
    stale = lint_policy(policy_copy, today=date(2027, 12, 2))
    assert {p.path.rsplit("/", 1)[1] for p in stale} == {"legal_facts.yaml"}
    assert any("'accounting_law_payroll_before_1999' was last checked on 2026-12-01" in p.message
               for p in stale)  # fmt: skip
    assert main(["lint", "--policy", str(policy_copy), "--today", "2027-12-02"]) == 1
    assert "longer ago than P1Y" in capsys.readouterr().out


def test_the_allowed_age_is_configurable(edit):
    root = edit("policy.yaml", "legal_fact_max_age: P1Y", "legal_fact_max_age: P6M")
    assert lint_policy(root, today=date(2027, 5, 31)) == []
    assert lint_policy(root, today=date(2027, 6, 2)) != []


def test_loading_the_policy_does_not_depend_on_the_day(policy_copy):
    """A stale fact fails the lint (daily, CI), not every sweep that loads the policy."""
    from governance.policy import load_policy

    assert load_policy(policy_copy).legal_facts


def test_a_verify_note_in_a_text_is_refused(edit):
    root = edit(
        "purposes/parcel_locker.yaml",
        "glabājam iespējamu pretenziju izskatīšanai;",
        "glabājam iespējamu pretenziju izskatīšanai (verify the period);",
    )
    (problem,) = lint_policy(root, today=date(2026, 12, 1))
    assert "internal note 'verify'" in problem.message
    assert problem.path.endswith("purposes/parcel_locker.yaml")


def test_an_unknown_statute_or_statement_is_refused(edit):
    root = edit(
        "purposes/parcel_locker.yaml",
        "rests_on: {statute: accounting_law_source_documents}",
        "rests_on: {statute: accounting_law_s99}",
    )
    edit(
        "purposes/recruitment.yaml",
        "rests_on: {notice: recruitment_period}",
        "rests_on: {notice: recruitment_6m}",
    )
    messages = sorted(p.message for p in lint_policy(root, today=date(2026, 12, 1)))
    assert messages[0].startswith(
        "rule 'candidates_after_competition' rests on unknown notice statement"
    )
    assert messages[1].startswith("unknown legal fact 'accounting_law_s99'")


def test_a_rule_without_its_period_in_words_is_refused(edit):
    root = edit(
        "purposes/recruitment.yaml",
        'lv: "Kandidātu iesūtītos dokumentus (tostarp personas datus) glabājam {period} pēc konkursa beigām."',
        'lv: "Kandidātu iesūtītos dokumentus glabājam sešus mēnešus pēc konkursa beigām."',
    )
    (problem,) = lint_policy(root, today=date(2026, 12, 1))
    assert "in_words.lv has no {period}" in problem.message


def test_a_processor_rule_decided_by_the_company_is_refused(edit):
    root = edit(
        "purposes/email_dispatch.yaml", "      decided_by: client", "      decided_by: company"
    )
    (problem,) = lint_policy(root, today=date(2026, 12, 1))
    assert "a processor keeps a client's data as the client instructs" in problem.message
