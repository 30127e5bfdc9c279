"""The GX project in gx/ is what the policy generates (reviewed like code, refused when stale)."""

from __future__ import annotations

import pytest

from governance.anonymise import gx_project
from governance.errors import ConfigurationError
from governance.policy import load_policy


def test_the_committed_project_is_what_the_policy_generates():
    assert gx_project.differences(load_policy()) == [], (
        "gx/ is stale: run scripts/with-env python -m governance.anonymise.gx_project sync"
    )


def test_one_checkpoint_per_anonymising_rule_with_counts_only_results(tmp_path):
    policy = load_policy()
    changed = gx_project.sync(policy, tmp_path)
    rules = gx_project.anonymising_rules(policy)
    assert rules
    for purpose_id, rule in rules:
        name = gx_project.gx_name(purpose_id, rule.id)
        checkpoint = (tmp_path / "checkpoints" / f"{name}.json").read_text()
        assert (
            '"result_format": "SUMMARY"' in checkpoint
            and '"partial_unexpected_count": 0' in checkpoint
        )
        assert "update_data_docs" in checkpoint
    yml = (tmp_path / "great_expectations.yml").read_text()
    assert "${GOVERNANCE_GX_URL_HELPDESK}" in yml and "${GOVERNANCE_GX_RESULTS}" in yml
    assert gx_project.sync(policy, tmp_path) == []  # deterministic: a second sync changes nothing
    assert len(changed) >= 4


def test_a_stale_project_is_refused_naming_the_command(tmp_path):
    policy = load_policy()
    gx_project.sync(policy, tmp_path)
    suite = next((tmp_path / "expectations").glob("*.json"))
    suite.write_text(suite.read_text().replace('"k": 5', '"k": 2'))
    with pytest.raises(ConfigurationError) as caught:
        gx_project.ensure_current(policy, tmp_path)
    assert "gx_project sync" in caught.value.fix
