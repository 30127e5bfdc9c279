"""Which rows of a rule's entity are due, held, restricted, blocked or free to go: read-only.

Rows are read in the rule's order (oldest first by default) with keyset pagination on
``(anchor, primary key)``, so each batch is one short indexed query whatever the table's size,
and rows removed by the sweep never shift the next page. Every row is classified exactly once:

- ``due``: its retention period has run (:mod:`governance.retention.due`);
- ``held``: due, but a legal hold covers it (or a row that depends on it);
- ``restricted``: due, but a restriction of processing (Art. 18) covers it or a row that
  depends on it: it may only be stored;
- ``blocked``: due, but rows of another entity with a retention rule of their own still point at
  it (the customer whose billing the Accounting Law keeps), so it stays until they go;
- ``actionable``: due and none of the above: the sweep removes it with its dependants and files.

Holds and restrictions are also a SQL predicate (:meth:`Selector.kept`, built by
:mod:`governance.holds.sql`): where nothing hangs off the rows, the database can delete
``due AND NOT kept`` and only the rows ``kept`` selects, and those near the due boundary, are
read here and judged row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import sqlalchemy as sa

from governance.holds import HoldSet
from governance.holds.sql import AnchorMode, NotExpressible, kept_condition
from governance.identity import InvalidIdentifier, subject_ref
from governance.policy import Policy
from governance.policy.models import RetentionRule
from governance.retention.due import DueWindow, due_window
from governance.sources import SqlSources, dependants, governed_entities

#: Which due rows a page reads: all of them, those near the boundary (``[certain, possible)``),
#: or those certainly due that a hold or restriction may keep.
Band = Literal["all", "boundary", "kept"]


@dataclass(frozen=True)
class RuleTarget:
    """A rule resolved against the data map and the clock."""

    purpose: str
    rule: RetentionRule
    window: DueWindow

    @property
    def entity(self) -> str:
        return self.rule.entity


@dataclass
class Classified:
    """One page of rows, sorted into the five classes (rows are plain dicts of the entity)."""

    actionable: list[dict[str, Any]] = field(default_factory=list)
    held: int = 0
    restricted: int = 0
    blocked: int = 0
    scanned: int = 0

    @property
    def due(self) -> int:
        return len(self.actionable) + self.held + self.restricted + self.blocked


def resolve(policy: Policy, purpose_id: str, rule_id: str, now: datetime) -> RuleTarget:
    purpose = policy.purpose(purpose_id)
    for rule in purpose.retention:
        if rule.id == rule_id:
            return RuleTarget(purpose_id, rule, due_window(rule.period, now))
    known = ", ".join(r.id for r in purpose.retention) or "none"
    raise KeyError(f"purpose {purpose_id!r} has no retention rule {rule_id!r}; rules: {known}")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _subject_ref(kind: str, value: str) -> str | None:
    try:
        return subject_ref(kind, value)
    except InvalidIdentifier:
        return None


def _refs(
    columns: Sequence[tuple[str, str]],
    row: Mapping[str, Any],
    ref: Callable[[str, str], str | None] = _subject_ref,
    memo: dict[tuple[str, str], str | None] | None = None,
) -> set[str]:
    """The row's subject_refs; ``memo`` (optional) remembers each value's for the caller."""
    refs = set()
    for name, kind in columns:
        value = row.get(name)
        if value in (None, ""):
            continue
        key = (kind, str(value))
        if memo is None:
            found = ref(*key)
        elif key in memo:
            found = memo[key]
        else:
            found = memo[key] = ref(*key)
        if found is not None:
            refs.add(found)
    return refs


def subject_refs_of(policy: Policy, qualified: str, row: Mapping[str, Any]) -> set[str]:
    """Keyed references of the identifiers in ``row`` (for subject holds); bad values skipped."""
    columns = policy.entity(qualified).identifier_columns()
    return _refs([(name, column.identifier) for name, column in columns.items()], row)


class Selector:
    """Reads and classifies the rows of one rule; performs no writes.

    ``restrictions``: restrictions in force (judged like holds, counted apart). ``sql_holds``:
    False judges every row in Python even where the holds could be a predicate (the tests run
    both paths against each other)."""

    def __init__(
        self,
        policy: Policy,
        sources: SqlSources,
        target: RuleTarget,
        holds: HoldSet,
        restrictions: HoldSet | None = None,
        *,
        sql_holds: bool = True,
    ):
        self.policy = policy
        self.sources = sources
        self.target = target
        self.holds = holds
        self.restrictions = restrictions if restrictions is not None else HoldSet(())
        self.table = sources.table(target.entity)
        self.pk = self.table.c[policy.entity(target.entity).primary_key]
        self.anchor = self.table.c[target.rule.anchor]
        self.dialect = sources.engine(target.entity.split(".")[0]).dialect.name
        # SQLite keeps datetimes as text in whatever format the writer used; paging on the raw
        # stored text (same order) avoids re-binding a value in a different format, which
        # would skip rows that share an anchor.
        sqlite = self.dialect == "sqlite"
        self.sort_key = sa.type_coerce(self.anchor, sa.String) if sqlite else self.anchor
        self._governed = governed_entities(policy) - {target.entity}
        is_date = sources.is_date_column(target.entity, target.rule.anchor)
        # A zoned column (timestamptz) returns aware datetimes and is compared with aware bounds.
        aware = isinstance(self.anchor.type, sa.DateTime) and bool(self.anchor.type.timezone)
        self._certain, self._possible = target.window.bounds(date_column=is_date, aware=aware)
        self._anchor_mode: AnchorMode = (
            "sqlite_text" if sqlite else "date" if is_date else "aware" if aware else "naive"
        )
        self._needs_refs = holds.has_subject_holds() or self.restrictions.has_subject_holds()
        self._primary_keys: dict[str, str] = {}
        self._identifier_columns: dict[str, list[tuple[str, str]]] = {}
        # Each value's subject_ref, once while it is recent (rows repeat their senders and
        # names); per selector, so per sweep and key, and bounded, so memory stays flat.
        self._ref = lru_cache(maxsize=4096)(_subject_ref)
        self._dependants = bool(dependants(policy, target.entity))
        self._sql_holds = sql_holds
        self._held_here = holds.for_entity(target.entity)
        self._restricted_here = self.restrictions.for_entity(target.entity)

    @property
    def bounds(self) -> tuple[Any, Any]:
        """The due window's ``(certain, possible)`` in the anchor column's own type."""
        return self._certain, self._possible

    def scope(self) -> list[sa.ColumnElement[bool]]:
        """The rule's own ``where``, minus rows that a more specific rule on the same entity
        governs: a per-client rule (``where: {client_name: X}``) overrides the general one."""
        mine = self.target.rule.where
        conditions = [self.table.c[c] == v for c, v in mine.items()]
        for _, other in self.policy.rules():
            if other.entity != self.target.entity or other is self.target.rule:
                continue
            if set(mine.items()) < set(other.where.items()):
                matches = [
                    sa.and_(self.table.c[c].is_not(None), self.table.c[c] == v)
                    for c, v in other.where.items()
                ]  # never NULL, so NOT(...) keeps rows whose column is empty
                conditions.append(sa.not_(sa.and_(*matches)))
        return conditions

    # SQLite keeps datetimes as text in the writer's format ("2026-10-25 12:00:00" from one,
    # "...12:00:00.000000" from another, a "T" from a third), and text compares by character:
    # a value stored without fractions sorts below the same moment bound with them, so a row
    # exactly at the bound would count as certainly due. There the bounds are whole days: any
    # spelling of a day sorts after the day's own "YYYY-MM-DD" and before the next day's. The
    # rows of the bound's day are then decided in Python like the rest of the window.
    def below_certain(self) -> sa.ColumnElement[bool]:
        if self.dialect == "sqlite":
            return self.sort_key < _day(self._certain).isoformat()
        return self.anchor < self._certain

    def from_certain(self) -> sa.ColumnElement[bool]:
        """The exact complement of :meth:`below_certain` among rows with an anchor."""
        if self.dialect == "sqlite":
            return self.sort_key >= _day(self._certain).isoformat()
        return self.anchor >= self._certain

    def below_possible(self) -> sa.ColumnElement[bool]:
        if self.dialect == "sqlite":
            return self.sort_key < (_day(self._possible) + timedelta(days=1)).isoformat()
        return self.anchor < self._possible

    def certainly_due(self) -> list[sa.ColumnElement[bool]]:
        """Rows of the rule below the certainly-due bound: every one of them is due."""
        return [self.anchor.is_not(None), self.below_certain(), *self.scope()]

    # -- holds and restrictions as SQL -----------------------------------------------------
    def keeps_anything(self) -> bool:
        """Some hold or restriction in force may cover rows of this entity."""
        return bool(self._held_here or self._restricted_here)

    def subject_columns(self) -> list[sa.Column]:
        """The identifier columns a subject hold or restriction is judged on, when one applies
        here (empty otherwise: nothing to hash)."""
        if not (self._held_here.subject_refs or self._restricted_here.subject_refs):
            return []
        names = self.policy.entity(self.target.entity).identifier_columns()
        return [self.table.c[name] for name in names if name in self.table.c]

    def kept(self, subject_keys: Sequence[Any] = ()) -> sa.ColumnElement[bool] | None:
        """A predicate true for every row a hold or restriction may cover (a superset; see
        :mod:`governance.holds.sql`), None when none can be covered. Subject holds cover the
        rows whose keys are in ``subject_keys``. Raises NotExpressible."""
        parts = []
        for entity_holds in (self._held_here, self._restricted_here):
            condition = kept_condition(
                entity_holds,
                table=self.table,
                key=self.pk,
                anchor=self.anchor,
                mode=self._anchor_mode,
                subject_keys=subject_keys,
                dialect=self.dialect,
            )
            if condition is not None:
                parts.append(condition)
        return sa.or_(*parts) if parts else None

    def judged_in_sql(self) -> bool:
        """True when the due rows need no per-row judgement beyond the holds and restrictions,
        and those can be written as a predicate: nothing hangs off the rows (no dependants to
        remove or to keep the row for), and every hold is expressible on this table."""
        if self._dependants:
            return False
        if not self.keeps_anything():
            return True
        if not self._sql_holds:
            return False
        try:
            self.kept()
        except NotExpressible:
            return False
        return True

    def subject_kept_keys(self, conn: sa.Connection, batch_size: int = 5000) -> list[Any]:
        """Keys of the certainly-due rows a subject hold or restriction covers: their
        identifiers are hashed here, a page of key and identifier columns at a time (SQL cannot
        compute a keyed hash). Only the covered keys are kept in memory."""
        columns = self.subject_columns()
        if not columns:
            return []
        found: list[Any] = []
        after = None
        while True:
            query = sa.select(self.pk, *columns).where(*self.certainly_due())
            if after is not None:
                query = query.where(self.pk > after)
            rows = conn.execute(query.order_by(self.pk).limit(batch_size)).mappings().all()
            if not rows:
                return found
            for row in rows:
                if self.subject_keeper(row):
                    found.append(row[self.pk.name])
            after = rows[-1][self.pk.name]

    # -- reading ---------------------------------------------------------------------------
    def _page_query(
        self,
        after: tuple[Any, Any] | None,
        limit: int,
        band: Band,
        slim: bool,
        kept: sa.ColumnElement[bool] | None,
    ) -> sa.Select:
        newest_first = self.target.rule.order == "newest_first"
        columns = self.judging_columns() if slim else [self.table]
        query = sa.select(*columns, self.sort_key.label("_page_key"))
        if band == "kept":
            query = query.where(*self.certainly_due(), kept)
        else:
            query = query.where(self.anchor.is_not(None), self.below_possible())
            query = query.where(*self.scope())
            if band == "boundary":
                query = query.where(self.from_certain())
        key = sa.tuple_(self.sort_key, self.pk)
        if after is not None:
            query = query.where(key < after if newest_first else key > after)
        if newest_first:
            return query.order_by(self.anchor.desc(), self.pk.desc()).limit(limit)
        return query.order_by(self.anchor, self.pk).limit(limit)

    def pages(
        self,
        conn: sa.Connection,
        batch_size: int,
        *,
        band: Band = "all",
        slim: bool = False,
        kept: sa.ColumnElement[bool] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of due rows in the rule's order; stops early once past the due boundary.

        ``band="boundary"``: only rows from the certainly-due bound on, for the pass after a
        bulk delete removed every row below it (on PostgreSQL the index still holds the deleted
        rows until a vacuum, and walking them cost seconds per page at a million rows).
        ``band="kept"``: the certainly-due rows the predicate ``kept`` selects. ``slim``: rows
        hold only :meth:`judging_columns` (enough to judge and delete a row nothing hangs off)."""
        if band == "kept" and kept is None:
            return
        after = None
        oldest_first = self.target.rule.order != "newest_first"
        while True:
            result = conn.execute(self._page_query(after, batch_size, band, slim, kept))
            names = list(result.keys())
            rows = [dict(zip(names, r, strict=True)) for r in result]
            if not rows:
                return
            after = (rows[-1].pop("_page_key"), rows[-1][self.pk.name])
            for row in rows[:-1]:
                del row["_page_key"]
            due = self._due(rows)
            if due:
                yield due
            if oldest_first and self.target.window.none_due_from(rows[-1][self.anchor.name]):
                return  # sorted by anchor: nothing after this page is due

    def _due(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The due rows of a page, in its order. Below the certainly-due bound every row is
        due; above it each is decided exactly: in anchor order the due rows are not always a
        prefix, as a month-end clamp can make a later anchor due before an earlier one on the
        same day (see :meth:`DueWindow.none_due_from`)."""
        certain, name, window = self._certain, self.anchor.name, self.target.window
        return [r for r in rows if r[name] < certain or window.is_due(r[name])]

    def count(self, conn: sa.Connection, *conditions: sa.ColumnElement[bool]) -> int:
        query = sa.select(sa.func.count()).select_from(self.table).where(*conditions)
        return int(conn.execute(query).scalar_one())

    def judging_columns(self) -> list[sa.Column]:
        """What judging a row of a delete needs when nothing hangs off it: the key, the anchor,
        the file columns, the columns holds and restrictions narrow by, and the identifiers when
        a subject hold or restriction applies (a page of these costs a fraction of whole rows)."""
        names = [self.pk.name, self.anchor.name, *(c.name for c in self.file_columns())]
        for entity_holds in (self._held_here, self._restricted_here):
            for hold in entity_holds.ranges:
                names += list(hold.where)
        names += [c.name for c in self.subject_columns()]
        return [self.table.c[n] for n in dict.fromkeys(names) if n in self.table.c]

    def file_columns(self) -> list[sa.Column]:
        return [
            self.table.c[name]
            for name, column in self.policy.entity(self.target.entity).columns.items()
            if column.file
        ]

    # -- classifying -----------------------------------------------------------------------
    def keeper(self, qualified: str, row: Mapping[str, Any], anchor: Any) -> str | None:
        """``"held"`` or ``"restricted"`` when a hold or a restriction covers the row, else None."""
        if not (self.holds or self.restrictions):
            return None
        key = row[self._primary_key(qualified)]
        refs = _refs(self._identifiers(qualified), row, self._ref) if self._needs_refs else ()
        if self.holds.covers(qualified, key, anchor=anchor, row=row, subject_refs=refs):
            return "held"
        if self.restrictions.covers(qualified, key, anchor=anchor, row=row, subject_refs=refs):
            return "restricted"
        return None

    def subject_keeper(
        self, row: Mapping[str, Any], memo: dict[tuple[str, str], str | None] | None = None
    ) -> str | None:
        """:meth:`keeper` for subject holds and restrictions alone, on a row of the rule's entity
        that holds its identifier columns (all a subject is judged on). ``memo``: hashes of the
        values seen so far, kept by the caller for one batch."""
        refs = _refs(self._identifiers(self.target.entity), row, self._ref, memo)
        if not refs:
            return None
        if self.holds.covers_subject(self.target.entity, refs):
            return "held"
        if self.restrictions.covers_subject(self.target.entity, refs):
            return "restricted"
        return None

    def _identifiers(self, qualified: str) -> list[tuple[str, str]]:
        """``(column, identifier kind)`` of the entity, looked up once."""
        found = self._identifier_columns.get(qualified)
        if found is None:
            columns = self.policy.entity(qualified).identifier_columns()
            found = [(name, column.identifier) for name, column in columns.items()]
            self._identifier_columns[qualified] = found
        return found

    def _primary_key(self, qualified: str) -> str:
        """The entity's key column (the data map's lookup is too slow to repeat per row)."""
        key = self._primary_keys.get(qualified)
        if key is None:
            key = self._primary_keys[qualified] = self.policy.entity(qualified).primary_key
        return key

    def classify(self, conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> Classified:
        result = Classified(scanned=len(rows))
        candidates = []
        for row in rows:
            kept = self.keeper(self.target.entity, row, row[self.anchor.name])
            if kept == "held":
                result.held += 1
            elif kept == "restricted":
                result.restricted += 1
            else:
                candidates.append(row)
        below = self._kept_by_dependants(conn, candidates)
        for row in candidates:
            reason = below.get(row[self.pk.name])
            if reason == "held":
                result.held += 1
            elif reason == "restricted":
                result.restricted += 1
            elif reason == "blocked":
                result.blocked += 1
            else:
                result.actionable.append(row)
        return result

    def _kept_by_dependants(
        self, conn: sa.Connection, rows: Sequence[dict[str, Any]]
    ) -> dict[Any, str]:
        """Parent keys kept by what hangs off them: ``held`` (a held dependant) before
        ``restricted`` before ``blocked`` (a dependant with a retention rule of its own)."""
        reasons: dict[Any, str] = {}
        if not rows or not self._dependants:
            return reasons
        rank = {"held": 0, "restricted": 1, "blocked": 2}
        for root_key, qualified, row in self.dependant_rows(conn, rows, include_governed=True):
            if qualified in self._governed:
                reason: str | None = "blocked"
            else:
                reason = self.keeper(qualified, row, None)
            if reason and rank[reason] < rank.get(reasons.get(root_key, ""), 3):
                reasons[root_key] = reason
        return reasons

    def dependant_rows(
        self,
        conn: sa.Connection,
        rows: Sequence[dict[str, Any]],
        *,
        include_governed: bool = False,
    ) -> Iterator[tuple[Any, str, dict[str, Any]]]:
        """``(root primary key, entity, row)`` for every row hanging off ``rows``, depth first.

        Governed dependants are yielded (when asked) but not descended into: their own rule
        decides about them and what hangs off them.
        """
        if not self._dependants:
            return
        frontier: list[tuple[str, list[tuple[Any, dict[str, Any]]]]] = [
            (self.target.entity, [(r[self.pk.name], r) for r in rows])
        ]
        while frontier:
            qualified, parents = frontier.pop()
            for dep in dependants(self.policy, qualified):
                if dep.child in self._governed and not include_governed:
                    continue
                yield from self._children(conn, dep, parents, frontier)

    def _children(self, conn, dep, parents, frontier) -> Iterator[tuple[Any, str, dict[str, Any]]]:
        by_value: dict[Any, list[Any]] = {}
        for root, row in parents:
            by_value.setdefault(row[dep.parent_column], []).append(root)
        table = self.sources.table(dep.child)
        fk = table.c[dep.fk_column]
        found: list[tuple[Any, dict[str, Any]]] = []
        values = [v for v in by_value if v is not None]
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            for r in conn.execute(sa.select(table).where(fk.in_(chunk))):
                child = dict(r._mapping)
                for root in by_value[child[dep.fk_column]]:
                    found.append((root, child))
                    yield root, dep.child, child
        if found and dep.child not in self._governed:
            frontier.append((dep.child, found))
