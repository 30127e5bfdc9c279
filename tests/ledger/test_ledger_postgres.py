"""The store and the ledger on PostgreSQL; runs only when GOVERNANCE_TEST_PG_URL names a database.

Example: ``GOVERNANCE_TEST_PG_URL=postgresql+psycopg://gov@127.0.0.1:5432/govtest``. The tests
drop and recreate the governance tables in that database.
"""

from __future__ import annotations

import os
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from governance.audit.ledger import Ledger
from governance.store import open_store
from governance.store.migrate import head_revision
from governance.store.models import Base

PG_URL = os.environ.get("GOVERNANCE_TEST_PG_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="set GOVERNANCE_TEST_PG_URL to run on PostgreSQL"
)


@pytest.fixture
def pg_url() -> str:
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return PG_URL


def test_open_store_twice_and_models_match(pg_url):
    open_store(pg_url).dispose()
    engine = open_store(pg_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == head_revision()


def test_append_verify_and_tamper(pg_url):
    engine = open_store(pg_url)
    ledger = Ledger(engine)
    appended = [ledger.append("e", "a", counts={"i": i}, detail={"f": 0.1}) for i in range(20)]
    assert list(ledger.entries()) == appended
    assert ledger.verify().ok
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 8"))
    result = ledger.verify()
    assert (result.ok, result.first_bad) == (False, 8)
    assert result.reason.startswith("content changed")


def test_two_threads_append_fifty_each(pg_url):
    open_store(pg_url).dispose()
    errors: list[BaseException] = []

    def work(worker: str) -> None:
        engine = open_store(pg_url)
        try:
            ledger = Ledger(engine)
            for i in range(50):
                ledger.append("load.test", worker, counts={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = Ledger(open_store(pg_url)).verify()
    assert (result.ok, result.checked) == (True, 100)
