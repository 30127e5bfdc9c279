"""The governance store: requests, legal holds, restrictions and the audit ledger.

``open_store()`` is the one way in: it makes the engine and brings the schema to the newest
migration, so every caller (DAG task, CLI, test) sees the same tables.
"""

from __future__ import annotations

from sqlalchemy import Engine

from governance import settings
from governance.store.engine import create_store_engine
from governance.store.migrate import upgrade_to_head

__all__ = ["open_store"]


def open_store(url: str | None = None) -> Engine:
    """Open the store at ``url`` (default: ``settings.store_url()``), migrated to head.

    Creates the parent folder of a SQLite file. Safe to call again and from several processes:
    migrations already applied are skipped.
    """
    engine = create_store_engine(url or settings.store_url())
    upgrade_to_head(engine)
    return engine
