"""Alembic environment of the governance store.

Normally run by ``governance.store.migrate.upgrade_to_head``, which hands over an open
connection in ``config.attributes["connection"]``. Run by the ``alembic`` command instead, it
connects to ``sqlalchemy.url`` or, failing that, ``settings.store_url()``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from governance import settings
from governance.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or settings.store_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from governance.store.engine import create_store_engine

    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or settings.store_url())
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
