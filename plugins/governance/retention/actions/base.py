"""What every retention action is: a name, a typed config, and one interface the sweep calls.

The sweep (:mod:`governance.retention.sweep`) finds the due rows that no hold, restriction or
dependant keeps, and for each batch of them, in ONE source transaction:

1. calls :meth:`ActionRun.carry_out` (``archive`` writes the batch to the encrypted archive,
   ``anonymise`` writes the anonymised rows; ``delete`` does nothing more);
2. removes their files, deletes their dependants, then the rows.

So an action is what happens to a row *before* it leaves the live system. An action whose
:attr:`RetentionAction.in_database` is True lets the sweep delete the rows that need no
judgement wholly in the database (:mod:`governance.retention.bulk`), never reading them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import sqlalchemy as sa
    from upath import UPath

    from governance.policy import Policy
    from governance.retention.selection import RuleTarget
    from governance.sources import SqlSources


@dataclass(frozen=True)
class SweepContext:
    """What an action may use during one sweep of one rule."""

    policy: Policy
    sources: SqlSources
    target: RuleTarget
    engine: sa.Engine
    files_root: UPath | None


@dataclass(frozen=True)
class Batch:
    """One batch of due, free rows of the rule's entity, with what hangs off them."""

    number: int
    rows: list[dict[str, Any]]
    #: ``(root key, entity, row)`` of every dependant row, parents before children.
    dependants: list[tuple[Any, str, dict[str, Any]]]
    #: Relative paths of the files the rows and their dependants name.
    files: list[str]


class ActionRun:
    """One sweep of one rule by one action."""

    #: The number of the sweep's first batch (an archive set continues its numbering).
    first_batch: int = 0

    def carry_out(self, conn: sa.Connection, batch: Batch) -> None:
        """Act on ``batch`` inside the transaction that then deletes it (so a row is either
        still live or acted on, never both and never neither). Default: nothing (delete)."""

    def finish(self, engine: sa.Engine) -> dict[str, int]:
        """After the last batch; returns counts to add to the sweep's (e.g. ``suppressed``)."""
        return {}


class RetentionAction:
    """A member of the registry; a subclass per module, one instance named ``ACTION``."""

    #: The policy's ``action:`` value.
    name: ClassVar[str]
    #: The ledger's word for what was done ("deleted", "archived").
    past_tense: ClassVar[str]
    #: The type :meth:`configure` returns.
    config_model: ClassVar[type]
    #: True: rows that need no judgement may be deleted in the database, never read.
    in_database: ClassVar[bool] = False
    #: True: the DAG runs the anonymisation gates after the sweep.
    gated: ClassVar[bool] = False
    #: The rule key that holds this action's settings in the policy (None: it has none).
    config_key: ClassVar[str | None] = None

    def configure(self, target: RuleTarget, *, run_id: str | None = None) -> Any:
        """The typed config for one sweep of ``target``; ``run_id``: the Airflow run (None
        outside a run). Raises ConfigurationError when the rule or the environment lacks
        something the action needs."""
        return self.config_model()

    def start(self, context: SweepContext, config: Any) -> ActionRun:
        return ActionRun()

    def complete(self, config: Any, removed: int, *, policy: Policy, target: RuleTarget) -> dict:
        """After the sweep and before verification; returns PII-free facts for the ledger's
        detail (the archive set's id)."""
        return {}
