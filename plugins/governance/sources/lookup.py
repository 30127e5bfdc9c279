"""How an identifier column is compared in SQL, and the indexes that make it fast.

Systems spell identifiers their own way (``+371 2…``, ``2…``, ``00371-2…``; ``A.B@X.LV``;
a personas kods with or without its hyphen). Each kind has one SQL expression that removes the
spelling differences the data map's systems show, the same on SQLite and PostgreSQL, and an
expression index on exactly that expression, so finding a person is an index lookup, not a scan.
Names cannot be folded portably in SQL (SQLite's ``lower`` is ASCII-only), so a name is matched
against its spelling variants (with and without diacritics, in three cases) on a plain index.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator

import sqlalchemy as sa

from governance.policy import Policy

log = logging.getLogger(__name__)

#: Characters that systems put inside phone numbers, personas kodi and IBANs.
_SEPARATORS = (" ", "-", "+", "(", ")", ".", "/")


def _strip(expr: sa.ColumnElement) -> sa.ColumnElement:
    # Literals, not bound parameters: a query matches an expression index only when its
    # expression is the same text, and ``replace(phone, ?, ?)`` is not ``replace(phone, ' ', '')``.
    for ch in _SEPARATORS:
        expr = sa.func.replace(expr, sa.literal_column(f"'{ch}'"), sa.literal_column("''"))
    return expr


def lookup_expression(kind: str, column: sa.ColumnElement) -> sa.ColumnElement:
    """The comparable SQL form of an identifier column of ``kind``."""
    if kind == "email":
        return sa.func.lower(sa.func.trim(column))
    if kind in ("phone", "personas_kods"):
        return _strip(column)
    if kind == "iban":
        return sa.func.upper(_strip(column))
    return column


def lookup_values(kind: str, normalised: str) -> list[str]:
    """The values ``lookup_expression`` may take for one normalised identifier."""
    if kind == "email":
        return [normalised.lower()]
    if kind == "phone":
        digits = normalised.lstrip("+")
        if digits.startswith("371") and len(digits) == 11:
            national = digits[3:]
            return [national, digits, "00" + digits]
        return [digits, "00" + digits]
    if kind == "personas_kods":
        return [normalised.replace("-", "")]
    if kind == "iban":
        return [normalised.replace(" ", "").upper()]
    return name_variants(normalised)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def name_variants(text: str) -> list[str]:
    """The spellings a name or address takes across systems: diacritics kept or dropped, as
    written, upper, lower and title case, whitespace collapsed."""
    base = " ".join(text.split())
    variants: list[str] = []
    for form in (base, _fold(base)):
        for cased in (form, form.upper(), form.lower(), form.title()):
            if cased not in variants:
                variants.append(cased)
    return variants


def mention_needles(kind: str, normalised: str) -> list[str]:
    """Substrings that reveal an identifier inside free text (matched case-insensitively)."""
    if kind == "email":
        return [normalised.lower()]
    if kind == "personas_kods":
        return [normalised, normalised.replace("-", "")]
    if kind == "phone":
        digits = normalised.lstrip("+")
        national = digits[3:] if digits.startswith("371") else digits
        return [national, f"{national[:4]}-{national[4:]}", f"{national[:4]} {national[4:]}"]
    if kind == "iban":
        return [normalised]
    return []


def index_name(table: str, column: str) -> str:
    return f"ix_lookup_{table}_{column}"[:63]


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
            compiled = expression.compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
            index = index_name(entity.table, name)
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
    """Create the missing lookup (and, on PostgreSQL, mention) indexes of one system; returns
    how many were created. Without the right to create the ``pg_trgm`` extension the mention
    indexes are left out with a warning: the mention search then scans, as on SQLite."""
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    existing = {index["name"] for table in tables for index in inspector.get_indexes(table)}
    wanted = list(identifier_index_ddl(policy, system, engine, tables))
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
    with engine.begin() as conn:
        for index, ddl in wanted:
            if index not in existing:
                conn.exec_driver_sql(ddl)
                created += 1
    return created
