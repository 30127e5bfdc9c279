"""Loading: the YAML line map, the version hash and the content-hash cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.policy import UnknownNameError, load_policy, policy_version
from governance.policy.yaml_lines import YamlSyntaxError, load_yaml_with_lines

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"


def test_line_map_covers_nested_keys_and_list_items():
    loaded = load_yaml_with_lines("a: 1\nb:\n  - x: 2\n    y: [1, 2]\n  - z: 3\n")
    assert loaded.data == {"a": 1, "b": [{"x": 2, "y": [1, 2]}, {"z": 3}]}
    assert loaded.lines[("b", 0, "y")] == 4
    assert loaded.lines[("b", 1, "z")] == 5
    assert loaded.line_of(("b", 1, "z", "missing")) == 5
    assert loaded.line_of(("nowhere",)) == 1


def test_duplicate_keys_are_recorded_with_both_lines():
    loaded = load_yaml_with_lines("a: 1\nb: 2\na: 3\n")
    assert loaded.data["a"] == 3
    assert loaded.duplicates == ((("a",), 3, 1),)


def test_syntax_error_carries_the_line():
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml_with_lines("a: 1\nb: 2\n  c: 3\n")
    assert caught.value.line == 3
    assert str(caught.value).startswith("YAML syntax error: mapping values are not allowed")


def test_version_changes_with_content_and_paths(policy_copy):
    first = policy_version(policy_copy)
    assert first == policy_version(VALID)
    (policy_copy / "README.md").write_text("notes are not policy", "utf-8")
    assert policy_version(policy_copy) == first
    path = policy_copy / "purposes" / "recruitment.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    second = policy_version(policy_copy)
    assert second != first
    path.rename(policy_copy / "purposes" / "zz.yaml")
    assert policy_version(policy_copy) not in (first, second)


def test_load_is_cached_by_content_and_reloads_after_an_edit(edit, policy_copy):
    first = load_policy(policy_copy)
    assert load_policy(policy_copy) is first
    edit("purposes/recruitment.yaml", "period: P6M", "period: P7M")
    second = load_policy(policy_copy)
    assert second is not first
    assert second.version != first.version
    assert second.purposes["recruitment"].retention[0].period == "P7M"


def test_policy_lookups(policy_copy):
    policy = load_policy(policy_copy)
    assert policy.entity("einvoice.invoices").table == "invoices"
    ref = policy.locate("recruitment.candidates")
    assert (ref.system, ref.name, ref.source.conn_id) == (
        "recruitment",
        "candidates",
        "estate_recruitment",
    )
    assert [rule.id for _, rule in policy.rules()] == [
        "invoices_after_accounting_period",
        "candidates_after_competition",
        "withdrawn_candidates",
    ]
    assert policy.defaults.batch_size == 500
    with pytest.raises(UnknownNameError, match="expected <system>.<entity>"):
        policy.entity("recruitment.nothing")
    with pytest.raises(UnknownNameError, match="expected one of: e_invoicing, recruitment"):
        policy.rights("nothing")


def test_models_are_frozen(policy_copy):
    purpose = load_policy(policy_copy).purposes["recruitment"]
    with pytest.raises(Exception, match="frozen"):
        purpose.legal_basis = "contract"  # type: ignore[misc]
    with pytest.raises(TypeError):
        load_policy(policy_copy).purposes["x"] = purpose  # type: ignore[index]
