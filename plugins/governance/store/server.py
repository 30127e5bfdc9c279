"""Databases on a PostgreSQL server: name them, create them when missing, drop them.

The demo estate keeps each source system in a database of its own and the tests give every
session fresh databases, so both need the server-level statements that cannot run inside a
transaction (``CREATE DATABASE``). Names are checked against a strict pattern and quoted by the
dialect, because a database name cannot be a bound parameter.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"database name {name!r}: expected lower-case letters, digits and _ (at most 63)"
        )
    return name


def database_url(server: str | URL, database: str) -> URL:
    """The URL of ``database`` on ``server`` (a URL whose own database part is ignored)."""
    return make_url(server).set(database=_checked(database))


def _admin(server: str | URL) -> sa.Engine:
    # The maintenance database ``postgres`` exists on every server; AUTOCOMMIT because
    # CREATE/DROP DATABASE refuse to run inside a transaction block.
    return sa.create_engine(
        make_url(server).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.NullPool,
    )


def ensure_database(server: str | URL, database: str) -> bool:
    """Create ``database`` unless it exists; True when it was created."""
    engine = _admin(server)
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": _checked(database)},
            ).first()
            if exists:
                return False
            quoted = conn.dialect.identifier_preparer.quote(database)
            try:
                conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
            except sa.exc.ProgrammingError as exc:  # another process created it meanwhile
                if "already exists" not in str(exc.orig):
                    raise
                return False
            return True
    finally:
        engine.dispose()


def drop_databases(server: str | URL, names: list[str]) -> None:
    """Drop the named databases, closing their open connections first (PostgreSQL 13+)."""
    engine = _admin(server)
    try:
        with engine.connect() as conn:
            for name in names:
                quoted = conn.dialect.identifier_preparer.quote(_checked(name))
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        engine.dispose()


def databases_with_prefix(server: str | URL, prefix: str) -> list[str]:
    """Names of the databases whose name starts with ``prefix``."""
    engine = _admin(server)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT datname FROM pg_database ORDER BY datname")).all()
        return [name for (name,) in rows if name.startswith(prefix)]
    finally:
        engine.dispose()
