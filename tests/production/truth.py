"""What the databases and folders of the running stack hold, read directly (not through the
engine), to check the stack's work against: metadata, governance store, estate, files, outbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa


def _engine(url: str) -> sa.Engine:
    url = url.removeprefix("db+")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, poolclass=sa.NullPool)


class Truth:
    def __init__(self, env: dict[str, str]) -> None:
        self.metadata = _engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        self.store = _engine(env["GOVERNANCE_STORE_URL"])
        self.estate = {
            key.removeprefix("AIRFLOW_CONN_ESTATE_").lower(): _engine(value)
            for key, value in env.items()
            if key.startswith("AIRFLOW_CONN_ESTATE_") and value.startswith("postgresql")
        }
        self.files = Path(json.loads(env["AIRFLOW_CONN_ESTATE_FILES"])["extra"]["path"])
        self.outbox = Path(env["GOVERNANCE_OUTBOX"])

    @staticmethod
    def rows(engine: sa.Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.text(sql), params)]

    @staticmethod
    def scalar(engine: sa.Engine, sql: str, **params: Any) -> Any:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def ledger(self, event: str, **where: str) -> list[dict[str, Any]]:
        """Ledger entries of ``event`` (``request_id=…``, ``purpose=…``, ``rule=…``)."""
        clauses = "".join(f" AND {column} = :{column}" for column in where)
        entries = self.rows(
            self.store,
            f"SELECT seq, event, purpose, rule, request_id, counts, detail FROM ledger_entries "
            f"WHERE event = :event{clauses} ORDER BY seq",
            event=event,
            **where,
        )
        for entry in entries:
            for column in ("counts", "detail"):
                if isinstance(entry[column], str):
                    entry[column] = json.loads(entry[column])
        return entries

    def request_records(self, request_id: str) -> list[dict[str, Any]]:
        return self.rows(
            self.store,
            "SELECT entity, record_key, system, match, decision, done_at FROM request_records "
            "WHERE request_id = :request_id",
            request_id=request_id,
        )

    def request(self, request_id: str) -> dict[str, Any]:
        (row,) = self.rows(
            self.store, "SELECT * FROM requests WHERE id = :request_id", request_id=request_id
        )
        return row

    def waiting_on_a_lock(self, database: str) -> int:
        """Backends of the stack waiting for a lock in ``database`` (the test holds it)."""
        return self.scalar(
            self.metadata,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'",
            db=database,
        )

    def dispose(self) -> None:
        for engine in (self.metadata, self.store, *self.estate.values()):
            engine.dispose()
