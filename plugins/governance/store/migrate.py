"""Bring a governance store's schema to the newest Alembic revision, from Python.

The Alembic environment lives inside the package (``migrations/``), so an installed engine can
migrate its store without an ``alembic.ini`` in the working directory.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from governance.store.engine import SQLITE_BEGIN_IMMEDIATE

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: Arbitrary constant key of the PostgreSQL advisory lock that serialises concurrent upgrades.
_PG_MIGRATION_LOCK = 7_343_216_901


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision the packaged migrations know."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the packaged migrations have no revisions"
    return head


def upgrade_to_head(engine: Engine) -> None:
    """Run every missing migration in one transaction; a no-op when the store is current.

    Two processes opening a fresh store at once are serialised (SQLite: ``BEGIN IMMEDIATE``;
    PostgreSQL: an advisory lock), so the second finds the schema already there.
    """
    config = alembic_config()
    with engine.connect() as conn:
        conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
