"""Make the SQLAlchemy engine of the governance store, with SQLite made transaction-safe.

Python's sqlite3 driver (before 3.12's ``autocommit``) does not BEGIN before SELECT or DDL, so a
read-then-write such as a ledger append would not be atomic. Here SQLAlchemy emits BEGIN itself,
as the SQLAlchemy SQLite documentation recommends, and a connection can ask for
``BEGIN IMMEDIATE`` (take the write lock up front) with the execution option
:data:`SQLITE_BEGIN_IMMEDIATE`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

#: Execution option: ``conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})``.
SQLITE_BEGIN_IMMEDIATE = "governance_sqlite_begin_immediate"

#: How long a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 60


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url.query)


def create_store_engine(url: str | URL, *, durable: bool = True) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created first.

    ``durable=False`` lets a SQLite file in WAL mode commit without an fsync
    (``synchronous=NORMAL``): a power cut may undo the last commits but never corrupts the
    file. Sources use it, because a sweep's batch that is undone is simply swept again on the
    next run; the governance store (the ledger is evidence) stays fully durable.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)

    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
    }
    if _is_memory(parsed):
        # One shared connection, otherwise every pooled connection sees its own empty database.
        kwargs["poolclass"] = StaticPool
    else:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    _make_sqlite_transactional(engine, wal=not _is_memory(parsed), durable=durable)
    return engine


def _set_wal(cursor: Any) -> None:
    """Switch to WAL; the switch ignores busy_timeout, so retry while another opener holds it."""
    for attempt in range(200):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.05)


def _make_sqlite_transactional(engine: Engine, *, wal: bool, durable: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                # Readers (verify, the UI) then never block the writer, nor it them.
                _set_wal(cursor)
                if not durable:
                    cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(SQLITE_BEGIN_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """An ORM session in one write transaction that takes SQLite's write lock up front.

    A deferred SQLite transaction that reads first and writes later cannot wait for another
    writer: upgrading its lock fails at once with "database is locked", whatever the busy
    timeout. ``BEGIN IMMEDIATE`` waits for the lock instead (up to the busy timeout). On
    PostgreSQL this is an ordinary transaction. Commits when the block ends, rolls back on error.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
        with conn.begin():
            session = Session(bind=conn, expire_on_commit=False)
            try:
                yield session
                session.flush()
            finally:
                session.close()
