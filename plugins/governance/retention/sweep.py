"""Sweep one retention rule: the engine behind every ``retention__*`` DAG's ``sweep`` task.

Safety comes from the order of work inside each batch:

1. classify the page (:mod:`governance.retention.selection`): held, restricted and blocked rows
   are skipped;
2. the rule's action acts on the rest (:mod:`governance.retention.actions`): ``archive`` writes
   the rows, their dependants and their files to the encrypted archive (a batch object written
   whole, so a crash leaves either all of it or none), ``anonymise`` writes their anonymised
   copies in the same transaction as step 4, ``delete`` does nothing more;
3. remove the files of the rows and their dependants (a file already gone is fine);
4. delete dependants, deepest first, then the rows, in ONE source transaction.

Where nothing needs a row in Python (a ``delete`` rule with nothing hanging off its rows, holds
and restrictions written as a predicate), the certainly-due rows that no hold or restriction may
keep are deleted wholly in the database first (:mod:`governance.retention.bulk`), and only the
rows the predicate selects, and those near the due boundary, go through the steps above.

A crash anywhere leaves rows that are still due, so the next run picks them up: nothing is
deleted twice (it is gone) or missed (it is still there). A crash between 2 and 4 may archive a
row twice, in two batches of its set; restoring skips rows already present. Holds and
restrictions are read when the sweep starts: one placed during a sweep holds from the next run
(every batch re-checks the clock; the ``verify`` task re-reads both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from governance.holds import HoldSet
from governance.policy import Policy
from governance.retention import actions
from governance.retention.actions import Batch, SweepContext
from governance.retention.bulk import BulkDelete
from governance.retention.counts import RuleCounts, log_counts
from governance.retention.plan import plan_rule, verify_rule
from governance.retention.selection import Band, Selector, resolve
from governance.sources import SqlSources

__all__ = ["RuleCounts", "SweepOptions", "plan_rule", "sweep_rule", "verify_rule"]


@dataclass(frozen=True)
class SweepOptions:
    batch_size: int = 1000
    # Rows per transaction of a delete that runs wholly in the database (the bulk path);
    # None: batch_size. See Defaults.bulk_batch_size.
    bulk_batch_size: int | None = None
    # Called after each committed batch with its number; tests use it to simulate a crash.
    after_batch: Callable[[int], None] | None = None
    # Called after each committed batch with what it removed, so the caller can journal it: a
    # try killed later in the sweep then leaves a record of the batches it had committed.
    on_batch: Callable[[dict[str, int]], None] | None = None
    # A rule whose rows need no judgement is deleted in runs of consecutive heap pages
    # (PostgreSQL) or rowids (SQLite) rather than in anchor order (see BulkDelete.storage_order);
    # False keeps anchor order.
    storage_order: bool = True
    # False: with a hold or restriction in force, every due row is read and judged in Python
    # (the path before holds became a predicate; the tests run both against each other).
    sql_holds: bool = True


def sweep_rule(
    policy: Policy,
    sources: SqlSources,
    purpose_id: str,
    rule_id: str,
    *,
    now: datetime,
    holds: HoldSet,
    restrictions: HoldSet | None = None,
    options: SweepOptions | None = None,
    config: Any = None,
) -> RuleCounts:
    """Carry out the rule's action on every due row no hold, restriction or dependant keeps,
    batch by batch. ``config``: the action's typed config (see ``actions.get(name).configure``;
    an archive rule needs one naming its set); None: the action's default for the rule."""
    options = options or SweepOptions()
    target = resolve(policy, purpose_id, rule_id, now)
    action = actions.get(target.rule.action)
    config = config if config is not None else action.configure(target)
    selector = Selector(policy, sources, target, holds, restrictions, sql_holds=options.sql_holds)
    system = target.entity.split(".")[0]
    engine = sources.engine(system)
    context = SweepContext(policy, sources, target, engine, sources.files_root(system))
    with _fewer_checkpoints(engine):
        counts = _Sweep(context, selector, action.start(context, config), options).run(
            in_database=action.in_database
        )
    log_counts("retention.sweep", policy, target, counts, action=action.name)
    return counts


class _Sweep:
    """One sweep's state: the counts so far and the batch number."""

    def __init__(self, context: SweepContext, selector: Selector, run: Any, options: SweepOptions):
        self.context = context
        self.selector = selector
        self.acting = run
        self.options = options
        self.totals = dict.fromkeys(
            ("due", "held", "restricted", "blocked", "removed", "dependants", "files", "gone"),
            0,
        )
        self.journaled = dict(self.totals)
        self.batch = run.first_batch

    def run(self, *, in_database: bool) -> RuleCounts:
        selector, options = self.selector, self.options
        oldest_first = self.context.target.rule.order != "newest_first"
        bands: list[tuple[Band, Any]] = [("all", None)]
        if in_database and oldest_first and selector.judged_in_sql():
            kept = self._in_database()
            bands = [("kept", kept), ("boundary", None)]
        # Rows needing judgement: every due row when something hangs off them or the action
        # needs them in Python; otherwise only those a hold or restriction may keep and the few
        # near the boundary that the database left (a row written during the sweep with an
        # anchor already below that bound waits for the next run, and verify reports it).
        # One connection reads a page, then carries out its batch in a transaction of its own
        # (a second connection cost a fifth of a small sweep's time on PostgreSQL).
        slim = bands[0][0] == "kept"  # the delete needs no more of a row than judging it
        with self.context.engine.connect() as conn:
            for band, kept in bands:
                pages = selector.pages(conn, options.batch_size, band=band, slim=slim, kept=kept)
                for page in pages:
                    conn.rollback()  # the page is read: end its snapshot before the batch's
                    self._judge_and_act(conn, page)
        extra = self.acting.finish(self.context.engine)
        totals = self.totals
        return RuleCounts(
            due=totals["due"],
            held=totals["held"],
            restricted=totals["restricted"],
            blocked=totals["blocked"],
            actionable=totals["removed"],
            removed=totals["removed"],
            dependants_removed=totals["dependants"],
            files_removed=totals["files"],
            files_already_gone=totals["gone"],
            batches=self.batch - self.acting.first_batch,
            **extra,
        )

    def _journal(self) -> None:
        """Hand what the batch just committed removed to ``options.on_batch``."""
        keys = ("removed", "dependants", "files", "gone")
        batch = {key: self.totals[key] - self.journaled[key] for key in keys}
        self.journaled.update(self.totals)
        if self.options.on_batch is not None and any(batch.values()):
            self.options.on_batch(
                {
                    "removed": batch["removed"],
                    "dependants_removed": batch["dependants"],
                    "files_removed": batch["files"],
                    "files_already_gone": batch["gone"],
                }
            )

    def _removed_files(self, paths: list[str]) -> None:
        removed, gone = _remove_files(self.context.files_root, paths)
        self.totals["files"] += removed
        self.totals["gone"] += gone

    def _committed(self) -> None:
        self._journal()
        self.batch += 1
        if self.options.after_batch:
            self.options.after_batch(self.batch)

    def _in_database(self) -> Any:
        """Delete the certainly-due rows no hold or restriction may keep; returns the predicate
        of those it left (holds, restrictions, subjects found) for the judged pass."""
        def done(deleted: int) -> None:
            self.totals["due"] += deleted
            self.totals["removed"] += deleted
            if deleted:
                self._committed()

        bulk = BulkDelete(self.selector, self._removed_files)
        size = self.options.bulk_batch_size or self.options.batch_size
        with self.context.engine.connect() as conn:
            extent = bulk.storage_order(conn) if self.options.storage_order else None
            conn.rollback()
            if extent is not None:
                bulk.in_storage_order(conn, extent, size, done)
            else:
                bulk.in_anchor_order(conn, size, done)
        return bulk.kept

    def _judge_and_act(self, conn: sa.Connection, page: list[dict[str, Any]]) -> None:
        context, selector, totals = self.context, self.selector, self.totals
        with conn.begin():
            classified = selector.classify(conn, page)
            totals["due"] += classified.due
            totals["held"] += classified.held
            totals["restricted"] += classified.restricted
            totals["blocked"] += classified.blocked
            if not classified.actionable:
                return
            deps = list(selector.dependant_rows(conn, classified.actionable))
            files = _file_paths(context.policy, context.target.entity, classified.actionable, deps)
            self.acting.carry_out(conn, Batch(self.batch, classified.actionable, deps, files))
            self._removed_files(files)
            totals["dependants"] += _delete_rows(conn, context.sources, context.policy, deps)
            totals["removed"] += _delete_parents(conn, selector, classified.actionable)
        self._committed()


#: SQLite: WAL pages between checkpoints during a sweep (SQLite's default is 1,000, 4 MB).
#: Each batch dirties pages of every index of the table, so at the default every commit ended
#: in a checkpoint and its fsync (a third of a sweep's time at 100,000 rows, 0.64x -> 0.9x a
#: raw DELETE at a million rows when raised to 200,000); this lets the WAL grow to about 400 MB
#: between checkpoints, and the sweep ends with one that truncates it. A crash loses nothing:
#: the WAL is replayed on open.
SWEEP_WAL_AUTOCHECKPOINT = 100_000


@contextmanager
def _fewer_checkpoints(engine: sa.Engine) -> Iterator[None]:
    if engine.dialect.name != "sqlite":
        yield
        return

    def raise_limit(conn: sa.Connection) -> None:
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {SWEEP_WAL_AUTOCHECKPOINT}")

    sa.event.listen(engine, "begin", raise_limit)
    try:
        yield
    finally:
        sa.event.remove(engine, "begin", raise_limit)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 1000")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # busy readers: skipped


# -- helpers -----------------------------------------------------------------------------------
def _file_paths(
    policy: Policy,
    qualified: str,
    rows: list[dict[str, Any]],
    deps: list[tuple[Any, str, dict[str, Any]]],
) -> list[str]:
    file_columns: dict[str, list[str]] = {}

    def columns(entity_name: str) -> list[str]:
        if entity_name not in file_columns:
            entity = policy.entity(entity_name)
            file_columns[entity_name] = [c for c, spec in entity.columns.items() if spec.file]
        return file_columns[entity_name]

    paths = []
    if columns(qualified):
        for row in rows:
            paths += [str(row[c]) for c in file_columns[qualified] if row.get(c)]
    for _, entity_name, row in deps:
        paths += [str(row[c]) for c in columns(entity_name) if row.get(c)]
    return paths


def _remove_files(root, paths: list[str]) -> tuple[int, int]:
    """Unlink each file; returns (removed, already gone). A file already gone is fine: a try
    killed after removing a batch's files but before committing its delete leaves them so."""
    removed = gone = 0
    if root is None:
        return 0, 0
    for relative in paths:
        target = root / relative
        if target.exists():
            target.unlink()
            removed += 1
        else:
            gone += 1
    return removed, gone


def _delete_rows(conn, sources: SqlSources, policy: Policy, deps) -> int:
    """Delete dependants deepest first (they were collected parents-before-children)."""
    by_entity: dict[str, set[Any]] = {}
    order: list[str] = []
    for _, entity_name, row in deps:
        if entity_name not in by_entity:
            by_entity[entity_name] = set()
            order.append(entity_name)
        by_entity[entity_name].add(row[policy.entity(entity_name).primary_key])
    deleted = 0
    for entity_name in reversed(order):
        table = sources.table(entity_name)
        pk = table.c[policy.entity(entity_name).primary_key]
        deleted += _delete_keys(conn, table, pk, sorted(by_entity[entity_name]))
    return deleted


def _delete_parents(conn, selector: Selector, rows: list[dict[str, Any]]) -> int:
    return _delete_keys(conn, selector.table, selector.pk, [r[selector.pk.name] for r in rows])


def _delete_keys(conn, table: sa.Table, pk: sa.Column, keys: list[Any]) -> int:
    """Delete rows by primary key: one statement with an array on PostgreSQL, else 500 keys
    per statement (bound-parameter limits)."""
    if conn.dialect.name == "postgresql" and keys:
        from sqlalchemy.dialects.postgresql import ARRAY

        array = sa.bindparam("keys", keys, type_=ARRAY(pk.type))
        return conn.execute(sa.delete(table).where(pk == sa.any_(array))).rowcount
    deleted = 0
    for start in range(0, len(keys), 500):
        deleted += conn.execute(sa.delete(table).where(pk.in_(keys[start : start + 500]))).rowcount
    return deleted
