"""``action: archive``: the row, its dependants and their files go into the encrypted archive
(:mod:`governance.archive.store`), then leave the live system; an administrator can restore a set.

Each run of a rule writes one set, ``<purpose>/<rule>/<run>``; a retried task writes into the
same set, continuing its batch numbers, and the set is sealed once the sweep has removed rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from governance.errors import ConfigurationError
from governance.retention.actions.base import ActionRun, Batch, RetentionAction, SweepContext


def archive_set_id(purpose_id: str, rule_id: str, run_id: str) -> str:
    """A stable, path-safe set id per rule and run (a retried task writes into the same set)."""
    run_key = re.sub(r"[^a-z0-9_.-]+", "-", run_id.lower()).strip("-") or "run"
    return f"{purpose_id}/{rule_id}/{run_key}"


@dataclass(frozen=True)
class ArchiveConfig:
    """Where this run's batches go: an open :class:`~governance.archive.store.ArchiveStore`
    (with its key) and the set id."""

    store: Any
    set_id: str


class _ArchiveRun(ActionRun):
    def __init__(self, context: SweepContext, config: ArchiveConfig):
        self.context = context
        self.config = config
        self.first_batch = config.store.next_batch_number(config.set_id)

    def carry_out(self, conn: Any, batch: Batch) -> None:
        children: dict[str, list[dict[str, Any]]] = {}
        for _, entity_name, row in batch.dependants:
            children.setdefault(entity_name, []).append(row)
        blobs = {}
        root = self.context.files_root
        if root is not None:
            for relative in batch.files:
                path = root / relative
                if path.exists():
                    blobs[relative] = path.read_bytes()
        self.config.store.write_batch(
            self.config.set_id,
            batch.number,
            entity=self.context.target.entity,
            rows=batch.rows,
            files=blobs,
            children=children,
        )


class ArchiveAction(RetentionAction):
    name = "archive"
    past_tense = "archived"
    config_model = ArchiveConfig

    def configure(self, target: Any, *, run_id: str | None = None) -> ArchiveConfig:
        if run_id is None:
            raise ConfigurationError(
                f"rule {target.purpose}.{target.rule.id} archives: its sweep needs the archive "
                "set to write to",
                field="archive_set",
                fix="pass config=ArchiveConfig(store, set_id) to sweep_rule",
            )
        from governance.archive.store import ArchiveStore, archive_root, load_archive_key

        store = ArchiveStore(archive_root(), load_archive_key())
        return ArchiveConfig(store, archive_set_id(target.purpose, target.rule.id, run_id))

    def start(self, context: SweepContext, config: ArchiveConfig) -> ActionRun:
        return _ArchiveRun(context, config)

    def complete(self, config: ArchiveConfig, removed: int, *, policy: Any, target: Any) -> dict:
        if not removed:
            return {"archive_set": None}
        config.store.seal(
            config.set_id,
            purpose=target.purpose,
            rule=target.rule.id,
            entity=target.entity,
            policy_version=policy.version,
        )
        return {"archive_set": config.set_id}


ACTION = ArchiveAction()
