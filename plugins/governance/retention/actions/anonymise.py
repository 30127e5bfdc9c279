"""``action: anonymise``: the row leaves the live system and an anonymised copy joins the rule's
target table (the rule's ``anonymise:`` block: what is dropped, pseudonymised, generalised,
scrubbed, kept); at the end, classes below k or l are suppressed, and the DAG's gates prove it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from governance.errors import ConfigurationError
from governance.policy.models import AnonymisationSpec
from governance.retention.actions.base import ActionRun, Batch, RetentionAction, SweepContext


@dataclass(frozen=True)
class AnonymiseConfig:
    """The rule's ``anonymise:`` block."""

    spec: AnonymisationSpec


class _AnonymiseRun(ActionRun):
    def __init__(self, context: SweepContext, config: AnonymiseConfig):
        from governance.anonymise.kanon import SqlAnonymiser

        # The persons the rows link to are read once per sweep: the scrub removes their names.
        self.anonymiser = SqlAnonymiser.for_rule(context.policy, context.engine, context.target.rule)

    def carry_out(self, conn: Any, batch: Batch) -> None:
        # Same transaction as the delete that follows: a row is either still live or already
        # anonymised, never both and never neither.
        self.anonymiser.write_batch(conn, batch.rows)

    def finish(self, engine: Any) -> dict[str, int]:
        with engine.begin() as conn:
            return {"suppressed": self.anonymiser.enforce(conn)}


class AnonymiseAction(RetentionAction):
    name = "anonymise"
    past_tense = "anonymised"
    config_model = AnonymiseConfig
    gated = True
    config_key = "anonymise"

    def configure(self, target: Any, *, run_id: str | None = None) -> AnonymiseConfig:
        if target.rule.anonymise is None:
            raise ConfigurationError(
                f"rule {target.purpose}.{target.rule.id} anonymises but has no anonymise block",
                field="anonymise",
                fix="add the block (target_table, drop, pseudonymise, generalise, scrub, keep, k, l)",
            )
        return AnonymiseConfig(target.rule.anonymise)

    def start(self, context: SweepContext, config: AnonymiseConfig) -> ActionRun:
        return _AnonymiseRun(context, config)


ACTION = AnonymiseAction()
