"""How an identifier column is compared in SQL, and the indexes that make it fast.

Systems spell identifiers their own way (``+371 2…``, ``2…``, ``00371-2…``; ``A.B@X.LV``; a
personas kods with or without its hyphen), and people and imports add their own characters (a
phone pasted from a web form with non-breaking spaces, an e-mail with a CSV import's trailing
tab, a code with a word processor's en dash). Each identifier kind declares one SQL expression
that removes all of that (:mod:`governance.identity.kinds`, reading the characters as
:mod:`governance.identity.text` does), and an expression index is created on exactly that
expression, so finding a person is an index lookup, not a scan. Names are matched against their
spelling variants (with and without diacritics, in three cases) on the column with odd spaces
read as plain ones.

This module is the SQL side of the registry: the expressions and values come from the kinds;
what is here is naming and creating the indexes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

import sqlalchemy as sa

from governance.identity import kinds as identifier_kinds
from governance.identity.kinds.name import variants as name_variants
from governance.policy import Policy

log = logging.getLogger(__name__)

__all__ = [
    "ensure_lookup_indexes",
    "identifier_index_ddl",
    "index_name",
    "lookup_expression",
    "lookup_values",
    "mention_index_ddl",
    "mention_needles",
    "name_variants",
]


def lookup_expression(kind: str, column: sa.ColumnElement) -> sa.ColumnElement:
    """The comparable SQL form of an identifier column of ``kind``."""
    return identifier_kinds.get(kind).lookup_expression(column)


def lookup_values(kind: str, normalised: str) -> list[str]:
    """The values ``lookup_expression`` may take for one normalised identifier."""
    return identifier_kinds.get(kind).lookup_values(normalised)


def mention_needles(kind: str, normalised: str) -> list[str]:
    """Lower-case substrings that pre-select free text which may mention an identifier; every
    candidate is confirmed by the kind's recogniser (``mention_spans``)."""
    return identifier_kinds.get(kind).mention_needles(normalised)


_PREFIX = "ix_lookup_"


def index_name(table: str, column: str, expression_sql: str = "") -> str:
    """``ix_lookup_<table>_<column>_<digest>``: the digest of the indexed expression's SQL, so
    an index made on an older expression is recognised as stale and replaced."""
    digest = hashlib.sha256(expression_sql.encode("utf-8")).hexdigest()[:8]
    return f"{_PREFIX}{table}_{column}"[:54] + "_" + digest


def _stale_names(table: str, column: str, wanted: str, existing: list[str]) -> list[str]:
    """Indexes on the same column made for an older expression (or before names had one)."""
    base = f"{_PREFIX}{table}_{column}"[:54]
    old = f"{_PREFIX}{table}_{column}"[:63]
    return [
        name
        for name in existing
        if name != wanted and (name == old or (name.startswith(base + "_") and len(name) == len(wanted)))
    ]


def identifier_index_ddl(
    policy: Policy, system: str, engine: sa.Engine, tables: set[str] | None = None
) -> Iterator[tuple[str, str]]:
    """``(index name, CREATE INDEX statement)`` per identifier column of the system's entities,
    on exactly the expression :func:`lookup_expression` queries with."""
    preparer = engine.dialect.identifier_preparer
    for entity in policy.sources[system].entities.values():
        if tables is not None and entity.table not in tables:
            continue
        for name, column in entity.identifier_columns().items():
            expression = lookup_expression(column.identifier, sa.column(name))
            compiled = str(
                expression.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            )
            index = index_name(entity.table, name, compiled)
            yield (
                index,
                (
                    f"CREATE INDEX IF NOT EXISTS {preparer.quote(index)} "
                    f"ON {preparer.quote(entity.table)} (({compiled}))"
                ),
            )


def mention_index_ddl(
    policy: Policy, system: str, engine: sa.Engine, tables: set[str] | None = None
) -> Iterator[tuple[str, str]]:
    """PostgreSQL only: ``(index name, CREATE INDEX statement)`` for a trigram index on
    ``lower(column)`` of every declared free-text column, so the mention search
    (``lower(column) LIKE '%needle%'``) reads an index instead of the whole table. SQLite has no
    such index: its FTS5 trigram tables would have to be kept up to date by triggers inside the
    source systems, which this product does not own."""
    if engine.dialect.name != "postgresql":
        return
    preparer = engine.dialect.identifier_preparer
    for entity in policy.sources[system].entities.values():
        if tables is not None and entity.table not in tables:
            continue
        for name, column in entity.columns.items():
            if column.free_text:
                index = f"ix_mention_{entity.table}_{name}"[:63]
                yield (
                    index,
                    f"CREATE INDEX IF NOT EXISTS {preparer.quote(index)} ON "
                    f"{preparer.quote(entity.table)} USING gin "
                    f"(lower({preparer.quote(name)}) gin_trgm_ops)",
                )


def ensure_lookup_indexes(policy: Policy, engine: sa.Engine, system: str) -> int:
    """Create the missing lookup (and, on PostgreSQL, mention) indexes of one system, dropping
    lookup indexes made on an older expression; returns how many were created. Without the
    right to create the ``pg_trgm`` extension the mention indexes are left out with a warning:
    the mention search then scans, as on SQLite."""
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    existing_by_table = {
        table: [index["name"] for index in inspector.get_indexes(table)] for table in tables
    }
    existing = {index for names in existing_by_table.values() for index in names}
    wanted = list(identifier_index_ddl(policy, system, engine, tables))
    stale = [
        name
        for entity in policy.sources[system].entities.values()
        if entity.table in tables
        for column in entity.identifier_columns()
        for index, _ in wanted
        if index.startswith(f"{_PREFIX}{entity.table}_{column}"[:54] + "_")
        for name in _stale_names(entity.table, column, index, existing_by_table[entity.table])
    ]
    mentions = [(i, ddl) for i, ddl in mention_index_ddl(policy, system, engine, tables)]
    if mentions and any(index not in existing for index, _ in mentions):
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            wanted += mentions
        except sa.exc.DBAPIError as exc:
            log.warning(
                "system %s: no trigram indexes for the mention search (pg_trgm: %s)",
                system,
                type(exc.orig).__name__,
            )
    created = 0
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as conn:
        for index in sorted(set(stale)):
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {preparer.quote(index)}")
        for index, ddl in wanted:
            if index not in existing:
                conn.exec_driver_sql(ddl)
                created += 1
    return created
