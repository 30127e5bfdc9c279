"""Plan, sweep and verify one retention rule: the engine behind every ``retention__*`` DAG.

Safety comes from the order of work inside each batch:

1. classify the page (:mod:`governance.retention.selection`): held and blocked rows are skipped;
2. ``archive`` only: write the rows, their dependants and their files to the encrypted archive
   store (a batch object written whole, so a crash leaves either all of it or none);
3. remove the files of the rows and their dependants (a file already gone is fine);
4. delete dependants, deepest first, then the rows, in ONE source transaction.

A crash anywhere leaves rows that are still due, so the next run picks them up: nothing is
deleted twice (it is gone) or missed (it is still there). A crash between 2 and 4 may archive a
row twice, in two batches of its set; restoring skips rows already present. Each batch
re-checks every row against the clock and the holds just before deleting it, so a hold placed
during a sweep is honoured from the next batch on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from governance.audit.logline import log_decision
from governance.policy import Policy
from governance.retention.holds import HoldSet
from governance.retention.selection import RuleTarget, Selector, resolve
from governance.sources import SqlSources

log = logging.getLogger("governance.retention")


@dataclass(frozen=True)
class RuleCounts:
    """What a plan or a sweep found; carries no personal data, so it may cross XCom."""

    due: int = 0
    held: int = 0
    blocked: int = 0
    actionable: int = 0
    not_due: int = 0
    removed: int = 0
    dependants_removed: int = 0
    files_removed: int = 0
    batches: int = 0
    suppressed: int = 0  # anonymise: rows of classes below k or l, removed from the output
    files_already_gone: int = 0  # files of removed rows that were no longer there

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class SweepOptions:
    batch_size: int = 1000
    # Rows per transaction of a delete that runs wholly in the database (the bulk path);
    # None: batch_size. See Defaults.bulk_batch_size.
    bulk_batch_size: int | None = None
    archive_set: str | None = None  # required for archive rules: where this run's batches go
    # Called after each committed batch with its number; tests use it to simulate a crash.
    after_batch: Callable[[int], None] | None = None
    # Called after each committed batch with what it removed, so the caller can journal it: a
    # try killed later in the sweep then leaves a record of the batches it had committed.
    on_batch: Callable[[dict[str, int]], None] | None = None
    # A rule whose rows need no judgement (no hold in force, nothing hangs off them) is
    # deleted in runs of consecutive heap pages (PostgreSQL) or rowids (SQLite) rather than in
    # anchor order (see Selector.storage_order); False keeps anchor order.
    storage_order: bool = True


def _count_not_due(conn: sa.Connection, selector: Selector) -> int:
    """Rows with an anchor that is not yet due (never-due rows without anchor are not counted)."""
    certain, _ = selector.bounds
    query = sa.select(selector.anchor).where(selector.anchor >= certain)
    query = query.where(*selector.scope())
    return sum(1 for (anchor,) in conn.execute(query) if not selector.target.window.is_due(anchor))


def plan_rule(
    policy: Policy,
    sources: SqlSources,
    purpose_id: str,
    rule_id: str,
    *,
    now: datetime,
    holds: HoldSet,
    batch_size: int = 5000,
) -> RuleCounts:
    """Count what a sweep would do, changing nothing."""
    target = resolve(policy, purpose_id, rule_id, now)
    selector = Selector(policy, sources, target, holds)
    due = held = blocked = actionable = 0
    with sources.engine(target.entity.split(".")[0]).connect() as conn:
        for page in selector.pages(conn, batch_size):
            sorted_page = selector.classify(conn, page)
            due += sorted_page.due
            held += sorted_page.held
            blocked += sorted_page.blocked
            actionable += len(sorted_page.actionable)
        not_due = _count_not_due(conn, selector)
    counts = RuleCounts(due=due, held=held, blocked=blocked, actionable=actionable, not_due=not_due)
    _log("retention.plan", policy, target, counts)
    return counts


def sweep_rule(
    policy: Policy,
    sources: SqlSources,
    purpose_id: str,
    rule_id: str,
    *,
    now: datetime,
    holds: HoldSet,
    options: SweepOptions | None = None,
    archive_store: Any = None,
) -> RuleCounts:
    """Carry out the rule's action on every due, unheld, unblocked row, batch by batch."""
    options = options or SweepOptions()
    target = resolve(policy, purpose_id, rule_id, now)
    action = target.rule.action
    if action == "archive" and (archive_store is None or not options.archive_set):
        raise ValueError(
            f"rule {purpose_id}.{rule_id} archives: pass archive_store and options.archive_set"
        )
    selector = Selector(policy, sources, target, holds)
    system = target.entity.split(".")[0]
    engine = sources.engine(system)
    with _fewer_checkpoints(engine):
        return _sweep(policy, sources, target, selector, engine, options, archive_store)


def _sweep(policy, sources, target, selector, engine, options, archive_store) -> RuleCounts:
    system = target.entity.split(".")[0]
    action = target.rule.action
    files_root = sources.files_root(system)
    totals = dict.fromkeys(("due", "held", "blocked", "removed", "dependants", "files", "gone"), 0)
    journaled = dict(totals)

    def journal() -> None:
        """Hand the batch just committed to ``options.on_batch`` (what it removed)."""
        batch = {
            key: totals[key] - journaled[key] for key in ("removed", "dependants", "files", "gone")
        }
        journaled.update(totals)
        if options.on_batch is not None and any(batch.values()):
            options.on_batch(
                {
                    "removed": batch["removed"],
                    "dependants_removed": batch["dependants"],
                    "files_removed": batch["files"],
                    "files_already_gone": batch["gone"],
                }
            )

    batches = _next_batch_number(archive_store, options.archive_set) if action == "archive" else 0
    first_batch = batches
    anonymiser = None
    if action == "anonymise":
        from governance.anonymise.kanon import SqlAnonymiser
        from governance.identity.pseudonym import subject_key

        anonymiser = SqlAnonymiser(engine, target.rule.anonymise, subject_key())

    bulk = (
        action == "delete" and selector.can_delete_in_bulk() and target.rule.order != "newest_first"
    )
    if bulk:

        def remove(paths: list[str]) -> None:
            removed, gone = _remove_files(files_root, paths)
            totals["files"] += removed
            totals["gone"] += gone

        def done(deleted: int) -> None:
            nonlocal batches
            totals["due"] += deleted
            totals["removed"] += deleted
            journal()
            if deleted:
                batches += 1
                if options.after_batch:
                    options.after_batch(batches)

        bulk_batch = options.bulk_batch_size or options.batch_size
        with engine.connect() as conn:
            extent = selector.storage_order(conn) if options.storage_order else None
        if extent is not None:
            _bulk_in_storage_order(engine, selector, extent, bulk_batch, remove, done)
        else:
            after: Any = ()
            with engine.connect() as conn:
                while after is not None:
                    with conn.begin():
                        after, deleted = selector.bulk_delete_batch(
                            conn, after or None, bulk_batch, remove
                        )
                    done(deleted)
    # Rows needing judgement: all of them when holds, dependants or files exist; otherwise
    # only the few near the boundary that the bulk path leaves (it removed every row below
    # the certainly-due bound, so the pages start there). A row written during the sweep with
    # an anchor already below that bound waits for the next run, and verify reports it.
    # One connection reads a page, then carries out its batch in a transaction of its own
    # (a second connection cost a fifth of a small sweep's time on PostgreSQL).
    with engine.connect() as conn:
        for page in selector.pages(conn, options.batch_size, from_certain=bulk, slim=bulk):
            conn.rollback()  # the page is read: end its snapshot before the batch's transaction
            with conn.begin():
                classified = selector.classify(conn, page)
                totals["due"] += classified.due
                totals["held"] += classified.held
                totals["blocked"] += classified.blocked
                if not classified.actionable:
                    continue
                deps = list(selector.dependant_rows(conn, classified.actionable))
                files = _file_paths(policy, target.entity, classified.actionable, deps)
                if anonymiser is not None:
                    # Same transaction as the delete below: a row is either still live or
                    # already anonymised, never both and never neither.
                    anonymiser.write_batch(conn, classified.actionable)
                if action == "archive":
                    _archive_batch(
                        archive_store,
                        options.archive_set,
                        batches,
                        target,
                        classified.actionable,
                        deps,
                        files,
                        files_root,
                    )
                removed_files, gone = _remove_files(files_root, files)
                totals["files"] += removed_files
                totals["gone"] += gone
                totals["dependants"] += _delete_rows(conn, sources, policy, deps)
                totals["removed"] += _delete_parents(conn, selector, classified.actionable)
            journal()
            batches += 1
            if options.after_batch:
                options.after_batch(batches)
    suppressed = 0
    if anonymiser is not None:
        with engine.begin() as conn:
            suppressed = anonymiser.enforce(conn)
    counts = RuleCounts(
        suppressed=suppressed,
        due=totals["due"],
        held=totals["held"],
        blocked=totals["blocked"],
        actionable=totals["removed"],
        removed=totals["removed"],
        dependants_removed=totals["dependants"],
        files_removed=totals["files"],
        files_already_gone=totals["gone"],
        batches=batches - first_batch,
    )
    _log("retention.sweep", policy, target, counts, action=action)
    return counts


def _bulk_in_storage_order(engine, selector, extent, batch_size, remove, done) -> None:
    """Delete the certainly-due rows range by range of the table's storage (heap pages or
    rowids), one transaction each.

    A range starts at ``batch_size`` rows' worth and adapts so that a batch deletes about
    ``batch_size`` rows (shrinking as needed, at most doubling each time). Storage added while
    the sweep runs is swept too."""
    first, end, per_unit = extent
    count = max(1, round(batch_size / per_unit))
    # One connection for every range, a transaction each: checking a pooled connection out
    # (and pinging it) per range cost the sweep a fifth of its time at 100,000 rows on PostgreSQL.
    with engine.connect() as conn:
        while True:
            while first < end:
                with conn.begin():
                    deleted = selector.bulk_delete_range(conn, first, count, remove)
                done(deleted)
                first += count
                wanted = round(count * batch_size / deleted) if deleted else count * 2
                count = max(1, min(wanted, count * 2))
            _, now_end, _ = selector.storage_order(conn) or (first, end, per_unit)
            conn.rollback()  # storage_order's read began a transaction: end it
            if now_end <= end:
                return
            end = now_end


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


def verify_rule(
    policy: Policy,
    sources: SqlSources,
    purpose_id: str,
    rule_id: str,
    *,
    now: datetime,
    holds: HoldSet,
    planned: RuleCounts,
) -> tuple[bool, RuleCounts, list[str]]:
    """Re-query after a sweep: nothing due and free to go remains; nothing not yet due was lost.

    Returns ``(ok, counts now, problems)``; problems are PII-free sentences.
    """
    after = plan_rule(policy, sources, purpose_id, rule_id, now=now, holds=holds)
    problems = []
    if after.actionable:
        problems.append(f"{after.actionable} due, unheld records remain")
    if after.not_due < planned.not_due:
        problems.append(f"records not yet due fell from {planned.not_due} to {after.not_due}")
    return not problems, after, problems


# -- helpers ----------------------------------------------------------------------------------
def _log(event: str, policy: Policy, target: RuleTarget, counts: RuleCounts, **extra) -> None:
    purpose = policy.purpose(target.purpose)
    log_decision(
        log,
        event,
        purpose=target.purpose,
        rule=target.rule.id,
        legal_basis=purpose.legal_basis,
        entity=target.entity,
        anchor=target.rule.anchor,
        period=target.rule.period,
        **extra,
        **{k: v for k, v in counts.as_dict().items() if v or k in ("due", "held")},
        policy_version=policy.version[:12],
    )


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


def _next_batch_number(archive_store: Any, set_id: str | None) -> int:
    if archive_store is None or not set_id:
        return 0
    return archive_store.next_batch_number(set_id)


def _archive_batch(store, set_id, batch_no, target, rows, deps, files, files_root) -> None:
    children: dict[str, list[dict[str, Any]]] = {}
    for _, entity_name, row in deps:
        children.setdefault(entity_name, []).append(row)
    blobs = {}
    if files_root is not None:
        for relative in files:
            path = files_root / relative
            if path.exists():
                blobs[relative] = path.read_bytes()
    store.write_batch(
        set_id, batch_no, entity=target.entity, rows=rows, files=blobs, children=children
    )
