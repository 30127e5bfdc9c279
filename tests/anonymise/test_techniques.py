"""The technique registry: one module per policy key, typed configs, unknown names listed."""

from __future__ import annotations

import pytest

from governance.anonymise.techniques import TECHNIQUES, RowContext, configured, get
from governance.errors import ConfigurationError
from governance.policy import load_policy
from governance.policy.models import AnonymisationSpec


def test_every_key_of_the_spec_is_a_technique_and_back():
    treatments = set(AnonymisationSpec.model_fields) - {"target_table", "k", "l"}
    assert set(TECHNIQUES) == treatments


def test_an_unknown_technique_names_the_valid_ones():
    with pytest.raises(ConfigurationError) as caught:
        get("encrypt")
    for name in TECHNIQUES:
        assert name in str(caught.value)


def test_the_real_policy_s_spec_reads_through_the_registry():
    policy = load_policy()
    rule = next(r for _, r in policy.rules() if r.action == "anonymise")
    names = [technique.name for technique, _ in configured(rule.anonymise)]
    assert names == ["drop", "pseudonymise", "generalise", "sensitive"]
    out: dict = {}
    row = {
        "id": 7,
        "received_at": "2023-03-01T10:00:00",
        "channel": "email",
        "subject": "Jāņa Bērziņa sūdzība",
    }
    for technique, config in configured(rule.anonymise):
        technique.apply(config, RowContext(row=row, key=b"k" * 32, names=["Jānis Bērziņš"]), out)
    assert set(out) == set(rule.anonymise.output_columns())
    assert out["subject"] == "[name] sūdzība" and out["case_ref"].startswith("p_")
