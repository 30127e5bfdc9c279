"""A notice-facing value may not change under the same notice version: the values of each
published version are recorded, and a change without a bump fails (here, and in the check)."""

from __future__ import annotations

from datetime import date

import pytest

from governance.errors import ConfigurationError
from governance.policy import load_policy
from governance.policy.notice.values import notice_values
from governance.policy.notice.versions import changed_since_recorded, fingerprint, freeze


def test_the_shipped_policy_is_what_its_notice_version_recorded():
    policy = load_policy()
    recorded = policy.notice_versions.versions[policy.settings.notice_version]
    changed = changed_since_recorded(policy)
    assert changed == {}, (
        f"notice-facing values changed under notice_version {policy.settings.notice_version}: "
        f"{sorted(changed)}; bump notice_version and run governance notice freeze"
    )
    assert recorded.fingerprint == fingerprint(notice_values(policy))


def test_a_changed_value_without_a_bump_is_named(edit):
    root = edit("purposes/recruitment.yaml", "period: P6M", "period: P7M")
    changed = changed_since_recorded(load_policy(root))
    key = "purposes.recruitment.retention.candidates_after_competition.period"
    assert changed == {key: ("P6M", "P7M")}


def test_freeze_refuses_to_rewrite_a_recorded_version_and_records_a_bumped_one(edit):
    root = edit("purposes/recruitment.yaml", "period: P6M", "period: P7M")
    with pytest.raises(ConfigurationError) as caught:
        freeze(load_policy(root), date(2027, 1, 4))
    assert caught.value.field == "notice_version"
    edit("policy.yaml", 'notice_version: "1.1"', 'notice_version: "1.2"')
    path, written = freeze(load_policy(root), date(2027, 1, 4))
    assert written
    policy = load_policy(root)
    assert set(policy.notice_versions.versions) == {"1.1", "1.2"}
    assert changed_since_recorded(policy) == {}
    assert freeze(policy, date(2027, 1, 5)) == (path, False)  # idempotent


def test_a_removed_value_is_a_change_too(edit):
    root = edit("policy.yaml", '  owner: VAS "Latvijas Pasts"\n', "")
    assert changed_since_recorded(load_policy(root)) == {
        "controller.owner": ('VAS "Latvijas Pasts"', "-")
    }
