"""The retention actions registry: the policy's ``action:`` names a member; an unknown name lists
the valid ones (in the sweep and in the linter); a new action is one module plus its tests, and
the linter and the sweep pick it up with no other change."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, POLICY_DIR

from governance.holds import HoldSet
from governance.policy import lint_policy, load_policy
from governance.retention import actions
from governance.retention.actions import ActionRun, Batch, RetentionAction, UnknownAction
from governance.retention.selection import resolve
from governance.retention.sweep import sweep_rule
from governance.sources import SqlSources


def test_the_built_in_actions_are_the_registry():
    assert actions.names() == ("anonymise", "archive", "delete")
    for name in actions.names():
        action = actions.get(name)
        assert action.name == name and action.past_tense.endswith("d")
    assert actions.get("delete").in_database and not actions.get("archive").in_database


def test_an_unknown_action_lists_the_valid_ones():
    with pytest.raises(UnknownAction) as caught:
        actions.get("shred")
    assert caught.value.field == "action"
    assert "anonymise, archive, delete" in str(caught.value)


def _policy_with(tmp_path: Path, action: str) -> Path:
    folder = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, folder)
    purpose = folder / "purposes" / "video_surveillance.yaml"
    purpose.write_text(purpose.read_text().replace("action: delete", f"action: {action}"))
    return folder


def test_the_linter_derives_the_allowed_actions_from_the_registry(tmp_path):
    problems = [str(p) for p in lint_policy(_policy_with(tmp_path, "shred"))]
    assert len(problems) == 1
    assert "video_surveillance.yaml" in problems[0]
    assert "unknown action 'shred'; expected one of: anonymise, archive, delete" in problems[0]


# -- a new action: one module's worth, defined here ---------------------------------------------
@dataclass(frozen=True)
class ExportConfig:
    """Where the keys of removed rows are listed."""

    folder: Path


class _ExportRun(ActionRun):
    def __init__(self, config: ExportConfig):
        self.config = config

    def carry_out(self, conn: Any, batch: Batch) -> None:
        keys = [row["id"] for row in batch.rows]
        (self.config.folder / f"batch-{batch.number}.json").write_text(json.dumps(keys))


class ExportAction(RetentionAction):
    name = "export_keys"
    past_tense = "exported"
    config_model = ExportConfig

    def __init__(self, folder: Path):
        self.folder = folder

    def configure(self, target: Any, *, run_id: str | None = None) -> ExportConfig:
        return ExportConfig(self.folder)

    def start(self, context: Any, config: ExportConfig) -> ActionRun:
        return _ExportRun(config)


def test_a_new_action_is_picked_up_by_the_linter_and_the_sweep(scenario, tmp_path, monkeypatch):
    exported = tmp_path / "exported"
    exported.mkdir()
    monkeypatch.setattr(actions, "_REGISTERED", dict(actions._REGISTERED))  # undone after
    actions.register(ExportAction(exported))
    assert "export_keys" in actions.names()
    folder = _policy_with(tmp_path, "export_keys")
    assert lint_policy(folder) == []
    policy = load_policy(folder)
    scenario.insert(scenario.cams_url, "cameras", [{"id": 1, "location": "gate"}])
    old = NOW.replace(tzinfo=None) - timedelta(days=40)
    young = NOW.replace(tzinfo=None) - timedelta(days=3)
    scenario.insert(
        scenario.cams_url,
        "recordings",
        [
            {"id": i, "camera_id": 1, "recorded_at": old if i <= 5 else young, "file_path": None}
            for i in range(1, 9)
        ],
    )
    sources = SqlSources(policy)
    try:
        target = resolve(policy, "video_surveillance", "recordings_30_days", NOW)
        config = actions.get("export_keys").configure(target)
        counts = sweep_rule(
            policy,
            sources,
            "video_surveillance",
            "recordings_30_days",
            now=NOW,
            holds=HoldSet([]),
            config=config,
        )
    finally:
        sources.dispose()
    listed = sorted(k for p in exported.iterdir() for k in json.loads(p.read_text()))
    assert listed == [1, 2, 3, 4, 5] and counts.removed == 5
    assert [r["id"] for r in scenario.rows(scenario.cams_url, "recordings")] == [6, 7, 8]
