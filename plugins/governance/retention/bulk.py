"""Delete the certainly-due rows of a rule wholly in the database, holds and restrictions as a
predicate: ``anchor < certain AND scope AND NOT kept``, one range of rows per transaction.

Used where the due rows need no judgement in Python (:meth:`Selector.judged_in_sql`: nothing
hangs off them, every hold and restriction can be written in SQL). Nothing but file paths, and
for subject holds the key and identifier columns, travels to Python.

Subject holds and restrictions: a ``subject_ref`` is a keyed hash SQL cannot compute, so each
range's ``DELETE … RETURNING`` hands back the identifiers of what it removed; if any row belongs
to a held or restricted subject, the range's transaction is rolled back (nothing removed, no file
touched), the row's key joins the predicate, and the range runs again. This is exact even for
rows written or changed while the sweep runs, which a pass that collected the keys first would
not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from governance.retention.selection import Selector


class _SubjectKept(Exception):
    """A deleted row belongs to a held or restricted subject: roll the range back."""

    def __init__(self, keys: list[Any]):
        super().__init__(f"{len(keys)} rows of held or restricted subjects")
        self.keys = keys


class BulkDelete:
    """One rule's in-database delete; ``remove_files(paths)`` runs before each range commits."""

    def __init__(self, selector: Selector, remove_files: Callable[[list[str]], None]):
        self.selector = selector
        self.remove_files = remove_files
        self.subject_keys: list[Any] = []  # rows found to belong to held/restricted subjects
        self._kept = selector.kept()
        self._subject_columns = selector.subject_columns()
        self._file_columns = selector.file_columns()

    @property
    def kept(self) -> sa.ColumnElement[bool] | None:
        """The predicate of the rows left for Python to judge (holds, restrictions, subjects
        found so far)."""
        return self._kept

    def _keep(self, keys: list[Any]) -> None:
        self.subject_keys.extend(keys)
        self._kept = self.selector.kept(self.subject_keys)

    def _where(self) -> list[sa.ColumnElement[bool]]:
        where = self.selector.certainly_due()
        if self._kept is not None:
            where.append(sa.not_(self._kept))
        return where

    def _delete(self, conn: sa.Connection, where: list[sa.ColumnElement[bool]], memo: dict) -> int:
        selector = self.selector
        statement = sa.delete(selector.table).where(*where)
        subjects = self._subject_columns
        returning = [selector.pk, *subjects, *self._file_columns] if subjects else []
        returning += [] if subjects else self._file_columns
        if not returning:
            return conn.execute(statement).rowcount
        rows = conn.execute(statement.returning(*returning)).mappings().all()
        if subjects:
            kept = [row[selector.pk.name] for row in rows if selector.subject_keeper(row, memo)]
            if kept:
                raise _SubjectKept(kept)
        if self._file_columns:
            names = [c.name for c in self._file_columns]
            self.remove_files([row[n] for row in rows for n in names if row[n]])
        return len(rows)

    def _subject_rows(self, conn: sa.Connection, where: list, memo: dict) -> list[Any]:
        """Keys of the rows ``where`` selects that belong to held or restricted subjects: read
        before the DELETE, in its transaction, so that a range is rarely deleted twice."""
        selector = self.selector
        query = sa.select(selector.pk, *self._subject_columns).where(*where)
        return [
            row[selector.pk.name]
            for row in conn.execute(query).mappings()
            if selector.subject_keeper(row, memo)
        ]

    def _in_transaction(self, conn: sa.Connection, where: Callable[[], list]) -> int:
        """Run one range in its own transaction. With subject holds or restrictions, the
        range's identifiers are read and hashed first (each value once, remembered for the
        DELETE's own check), and the range runs again with their rows kept if the DELETE still
        removed one (a row written in between)."""
        while True:
            memo: dict[tuple[str, str], str | None] = {}
            try:
                with conn.begin():
                    if self._subject_columns:
                        found = self._subject_rows(conn, where(), memo)
                        if found:
                            self._keep(found)
                    return self._delete(conn, where(), memo)
            except _SubjectKept as found:  # rolled back: nothing of this range was removed
                self._keep(found.keys)

    # -- in storage order ------------------------------------------------------------------
    def storage_order(self, conn: sa.Connection) -> tuple[int, int, float] | None:
        """``(first, end, rows per unit)`` of the table's storage when the delete can go in
        storage order: heap pages on PostgreSQL 14 or later (TID range scans), rowids on SQLite
        (not for a WITHOUT ROWID table); None otherwise.

        Why: a table is rarely stored in its anchor's order, so batches in anchor order visit
        one table page per row, where one raw DELETE reads the table once. Measured at a million
        rows: anchor order 8x slower than the raw DELETE on PostgreSQL, 3.5x on SQLite; runs
        of consecutive pages or rowids 1.2x to 1.6x."""
        table = self.selector.table
        if conn.dialect.name == "sqlite":
            rowid = sa.literal_column("rowid")
            try:  # apart: SQLite reads one end of the table for a lone min() or max()
                low = conn.execute(sa.select(sa.func.min(rowid)).select_from(table)).scalar()
                high = conn.execute(sa.select(sa.func.max(rowid)).select_from(table)).scalar()
            except sa.exc.OperationalError:  # WITHOUT ROWID
                return None
            return (0, 0, 1.0) if low is None else (int(low), int(high) + 1, 1.0)
        if conn.dialect.name != "postgresql" or conn.dialect.server_version_info < (14,):
            return None
        name = conn.dialect.identifier_preparer.format_table(table)
        pages, per_page = conn.execute(
            sa.text(
                "SELECT pg_relation_size(CAST(:t AS regclass)) / current_setting('block_size')::int,"
                " (SELECT reltuples / NULLIF(relpages, 0) FROM pg_class"
                " WHERE oid = CAST(:t AS regclass))"
            ),
            {"t": name},
        ).one()
        per_page = float(per_page) if per_page and per_page > 0 else 50.0  # never analysed
        return 0, int(pages), per_page

    def _range(self, dialect: str, first: int, count: int) -> list[sa.ColumnElement[bool]]:
        where = self._where()
        if dialect == "postgresql":
            where.append(
                sa.text(
                    "ctid >= CAST(:_tid_first AS tid) AND ctid < CAST(:_tid_end AS tid)"
                ).bindparams(_tid_first=f"({first},0)", _tid_end=f"({first + count},0)")
            )
        else:
            rowid = sa.literal_column("rowid")
            where += [rowid >= first, rowid < first + count]
        return where

    def in_storage_order(
        self,
        conn: sa.Connection,
        extent: tuple[int, int, float],
        batch_size: int,
        done: Callable[[int], None],
    ) -> None:
        """Delete range by range of the table's storage, one transaction each.

        A range starts at ``batch_size`` rows' worth and adapts so that a batch deletes about
        ``batch_size`` rows (shrinking as needed, at most doubling each time). Storage added
        while the sweep runs is swept too. One connection for every range: checking a pooled
        connection out (and pinging it) per range cost a fifth of the time at 100,000 rows on
        PostgreSQL."""
        first, end, per_unit = extent
        count = max(1, round(batch_size / per_unit))
        dialect = conn.dialect.name
        while True:
            while first < end:
                deleted = self._in_transaction(
                    conn, lambda f=first, c=count: self._range(dialect, f, c)
                )
                done(deleted)
                first += count
                wanted = round(count * batch_size / deleted) if deleted else count * 2
                count = max(1, min(wanted, count * 2))
            _, now_end, _ = self.storage_order(conn) or (first, end, per_unit)
            conn.rollback()  # storage_order's read began a transaction: end it
            if now_end <= end:
                return
            end = now_end

    # -- in anchor order -------------------------------------------------------------------
    def in_anchor_order(
        self, conn: sa.Connection, batch_size: int, done: Callable[[int], None]
    ) -> None:
        """Delete ``batch_size`` rows at a time in anchor order (oldest first): for a table
        without storage order (a WITHOUT ROWID table, PostgreSQL before 14, other databases)."""
        after: Any = ()
        while after is not None:
            found: dict[str, Any] = {}

            def where(start: Any = after, found: dict = found) -> list[sa.ColumnElement[bool]]:
                found["last"], batch = self._next_batch(conn, start or None, batch_size)
                return [*batch, *self._not_kept()]

            done(self._in_transaction(conn, where))
            after = found["last"]

    def _not_kept(self) -> list[sa.ColumnElement[bool]]:
        return [] if self._kept is None else [sa.not_(self._kept)]

    def _next_batch(
        self, conn: sa.Connection, after: Any, batch_size: int
    ) -> tuple[Any, list[sa.ColumnElement[bool]]]:
        """The next batch's key range: ``(its last key or None for the last batch, where)``.

        Finds the batch's last key with an index scan; its own end then replaces the due bound
        (it lies below it): SQLite uses one upper bound for the index range, and with the due
        bound every batch's DELETE would scan to the end of the due range, making a sweep
        quadratic."""
        selector = self.selector
        where = selector.certainly_due()  # [1]: the due bound
        key = sa.tuple_(selector.sort_key, selector.pk)
        if after is not None:
            where.append(key > sa.tuple_(*after))
        boundary = conn.execute(
            sa.select(selector.sort_key, selector.pk)
            .where(*where)
            .order_by(selector.anchor, selector.pk)
            .offset(batch_size - 1)
            .limit(1)
        ).first()
        last = tuple(boundary) if boundary is not None else None
        if last is not None:
            where[1] = selector.sort_key <= last[0]
            where.append(key <= sa.tuple_(*last))
        return last, where
