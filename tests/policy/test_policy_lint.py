"""The linter: the valid fixture is clean; each broken fixture yields exactly its expected problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from governance.policy import PolicyError, Problem, lint_policy, load_policy
from governance.policy.models import CATEGORIES, IDENTIFIER_KINDS

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
#: The fixtures' legal facts were checked on 1 Nov 2026: fresh on this day, stale a year later.
TODAY = date(2026, 12, 1)

BROKEN = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.txt").is_file())


def _relative(problems: list[Problem], root: Path) -> list[str]:
    return [f"{Path(p.path).relative_to(root).as_posix()}:{p.line}: {p.message}" for p in problems]


def test_valid_fixture_lints_clean():
    assert lint_policy(VALID, today=TODAY) == []


def test_there_is_a_fixture_for_every_promised_check():
    promised = {
        "rule_on_missing_entity",
        "rule_on_missing_column",
        "where_on_missing_column",
        "anchor_not_a_date",
        "entity_without_purpose",
        "entity_with_unknown_purpose",
        "purpose_with_unknown_entity",
        "period_not_iso",
        "processor_without_controller",
        "override_without_reason",
        "unknown_nested_key",
        "unknown_top_level_key",
        "purpose_id_not_file_name",
        "system_not_file_name",
        "duplicate_rule_id",
        "link_to_missing_column",
        "link_to_missing_entity",
        "unknown_category",
        "unknown_identifier_kind",
        "rests_on_missing",
        "company_decision_without_reason",
        "yaml_syntax_error",
        "rule_entity_not_in_purpose",
        "entity_names_purpose_that_does_not_list_it",
        "primary_key_not_a_column",
        "file_column_without_files_root",
    }
    assert promised <= set(BROKEN)


@pytest.mark.parametrize("name", BROKEN)
def test_broken_fixture_yields_exactly_its_problem(name: str):
    root = FIXTURES / name
    expected = (root / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert len(expected) == 1, "a scenario fixture has exactly one defect"
    assert _relative(lint_policy(root, today=TODAY), root) == expected


@pytest.mark.parametrize("name", BROKEN)
def test_load_policy_refuses_a_broken_fixture(name: str):
    with pytest.raises(PolicyError) as caught:
        load_policy(FIXTURES / name)
    assert len(caught.value.problems) == 1
    assert str(caught.value.problems[0]) in str(caught.value)


def test_problem_renders_as_path_line_message():
    assert str(Problem("a/b.yaml", 7, "what was expected")) == "a/b.yaml:7: what was expected"


def test_all_problems_are_collected_across_files(edit):
    edit("purposes/recruitment.yaml", "period: P6M", "period: six months")
    edit("purposes/e_invoicing.yaml", "anchor: invoice_date", "anchor: invoiced_on")
    root = edit(
        "sources/recruitment.yaml", "category: cv, free_text", "category: letters, free_text"
    )
    found = _relative(lint_policy(root, today=TODAY), root)
    assert [line.split(": ", 1)[0] for line in found] == [
        "purposes/e_invoicing.yaml:20",
        "purposes/recruitment.yaml:18",
        "sources/recruitment.yaml:27",
    ]


def test_a_broken_file_does_not_cascade_into_its_references(edit):
    # sources/einvoice.yaml fails validation; the purpose that lists its entities is not blamed.
    root = edit("sources/einvoice.yaml", "kind: sql", "kind: sql\nowner: finance")
    found = _relative(lint_policy(root, today=TODAY), root)
    assert len(found) == 1
    assert found[0].startswith("sources/einvoice.yaml:4: unknown key 'owner'")


def test_missing_reason_for_rights_override_names_the_right(edit):
    root = edit(
        "purposes/e_invoicing.yaml",
        "retention:",
        "rights_overrides:\n  erasure: {allowed: false}\nretention:",
    )
    (problem,) = lint_policy(root, today=TODAY)
    assert problem.message.startswith("rights_overrides.erasure: a rights override needs a reason")


def test_a_text_in_one_language_only_is_refused(edit):
    root = edit(
        "purposes/e_invoicing.yaml",
        'basis: {lv: "papīra eksemplāri tiek nodoti piegādei", en: "paper copies are handed over for delivery"}',
        'basis: {lv: "papīra eksemplāri tiek nodoti piegādei"}',
    )
    (problem,) = lint_policy(root, today=TODAY)
    assert problem.message == "missing required key 'en' in recipients[0].basis"


def test_a_bulk_batch_size_below_one_names_the_field_and_its_line(edit):
    root = edit("policy.yaml", "  batch_size: 500", "  batch_size: 500\n  bulk_batch_size: 0")
    (problem,) = lint_policy(root, today=TODAY)
    assert problem.line == 18
    assert problem.message.startswith("defaults.bulk_batch_size:"), problem.message
    assert "greater than 0" in problem.message


def test_bulk_batch_size_defaults_to_the_batch_size(edit):
    assert load_policy(VALID).defaults.bulk_batch_size is None
    root = edit("policy.yaml", "  batch_size: 500", "  batch_size: 500\n  bulk_batch_size: 4000")
    assert load_policy(root).defaults.bulk_batch_size == 4000


def test_missing_policy_yaml_and_empty_folders_are_reported(tmp_path: Path):
    found = {
        (Path(p.path).name, p.message.split(";")[0]) for p in lint_policy(tmp_path, today=TODAY)
    }
    assert found == {
        ("policy.yaml", "missing policy.yaml"),
        ("purposes", "no purpose files"),
        ("sources", "no data-map files"),
    }


def test_stray_and_misnamed_files_are_reported(policy_copy: Path):
    (policy_copy / "polcy.yaml").write_text("x: 1\n", encoding="utf-8")
    (policy_copy / "purposes" / "extra.yml").write_text("id: extra\n", encoding="utf-8")
    messages = sorted(p.message for p in lint_policy(policy_copy, today=TODAY))
    assert messages == [
        "policy files end in .yaml; rename this .yml file (it is ignored)",
        "unexpected YAML file; expected policy.yaml, purposes/<id>.yaml, sources/<system>.yaml, "
        "legal_facts.yaml, notice/traceability.yaml or notice/versions.yaml",
    ]


def test_scalar_types_are_strict(edit):
    root = edit("policy.yaml", 'notice_version: "1.1"', "notice_version: 1.1")
    (problem,) = lint_policy(root, today=TODAY)
    assert (Path(problem.path).name, problem.line) == ("policy.yaml", 8)
    assert "expected text" in problem.message


def test_an_empty_purpose_file_is_reported(policy_copy: Path):
    (policy_copy / "purposes" / "recruitment.yaml").write_text("", encoding="utf-8")
    problems = lint_policy(policy_copy, today=TODAY)
    assert [(Path(p.path).name, p.line) for p in problems] == [("recruitment.yaml", 1)]
    assert "found an empty file" in problems[0].message


def test_readme_documents_the_same_categories_and_identifier_kinds():
    readme = (Path(__file__).parents[2] / "include" / "policy" / "README.md").read_text("utf-8")
    table = {
        line.split("|")[1].strip()
        for line in readme.split("## Data categories", 1)[1].splitlines()
        if line.startswith("| ") and not line.startswith("| id |")
    }
    assert table == set(CATEGORIES)
    for kind in IDENTIFIER_KINDS:
        assert f"`{kind}`" in readme


@pytest.mark.parametrize(
    ("schedule", "valid"),
    [
        ("@daily", True),
        ("0 3 * * *", True),
        ("*/15 6-18 * * MON-FRI", True),
        ("@fortnightly", False),
        ("foo bar baz qux quux", False),
        ("61 3 * * *", False),  # minute out of range
        ("0 3 * * * *", False),  # six fields: Airflow's cron schedules take five
        ("0 3 * *", False),
    ],
)
def test_a_schedule_is_a_preset_or_a_cron_expression_croniter_parses(schedule, valid):
    from governance.policy.lint import _valid_schedule

    assert _valid_schedule(schedule) is valid
