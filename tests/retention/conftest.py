"""A small, fully known estate (CCTV + parcel lockers) for the retention engine's tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from governance.policy import Policy, load_policy
from governance.store import open_store

POLICY_DIR = Path(__file__).parent / "fixtures" / "estate_policy"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def cams_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    cameras = sa.Table(
        "cameras",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("location", sa.Text),
    )
    recordings = sa.Table(
        "recordings",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id")),
        sa.Column("recorded_at", sa.DateTime, index=True),
        sa.Column("file_path", sa.Text),
    )
    return cameras, recordings


def lockers_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    customers = sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("full_name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("contract_end", sa.Date, index=True),
    )
    notes = sa.Table(
        "notes",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id")),
        sa.Column("note", sa.Text),
    )
    deliveries = sa.Table(
        "deliveries",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id")),
        sa.Column("delivered_at", sa.DateTime),
    )
    billing = sa.Table(
        "billing",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id")),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("invoice_date", sa.Date),
    )
    messages = sa.Table(
        "messages",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_email", sa.Text),
        sa.Column("recipient_name", sa.Text),
        sa.Column("channel", sa.Text),
        sa.Column("sent_at", sa.DateTime, index=True),
        sa.Column("attachment", sa.Text),
    )
    return {
        "customers": customers,
        "notes": notes,
        "deliveries": deliveries,
        "billing": billing,
        "messages": messages,
    }


def _declared() -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    return {t.name: t for t in cams_tables(metadata)} | lockers_tables(metadata)


@dataclass
class Scenario:
    root: Path
    policy: Policy
    cams_url: str
    lockers_url: str
    files: Path

    def rows(self, url: str, table: str, order: str = "id") -> list[dict]:
        """The table's rows, typed by its declaration (timestamps as datetimes on both back
        ends)."""
        declared = _declared()[table]
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            query = sa.select(declared).order_by(declared.c[order])
            result = [dict(r._mapping) for r in conn.execute(query)]
        engine.dispose()
        return result

    def insert(self, url: str, table: str, rows: list[dict]) -> None:
        engine = sa.create_engine(url)
        tables = _declared()
        with engine.begin() as conn:
            if rows:
                conn.execute(sa.insert(tables[table]), rows)
        engine.dispose()


def airflow_uri(url: str) -> str:
    """Airflow's connection URI of a SQLAlchemy URL (SQLite: the encoded path as the host)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "sqlite://" + str(parsed.database).replace("/", "%2F")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def scenario(tmp_path, monkeypatch, new_database) -> Scenario:
    """Empty CCTV and locker databases, their connections, a store, keys; no rows yet.
    SQLite files, or fresh databases of this test in the PostgreSQL pass."""
    cams = new_database("cams")
    lockers = new_database("lockers")
    files = tmp_path / "files"
    (files / "cams").mkdir(parents=True)
    (files / "lockers").mkdir(parents=True)
    for url, build in ((cams, cams_tables), (lockers, lockers_tables)):
        engine = sa.create_engine(url)
        metadata = sa.MetaData()
        build(metadata)
        metadata.create_all(engine)
        engine.dispose()
    monkeypatch.setenv("AIRFLOW_CONN_FIX_CAMS", airflow_uri(cams))
    monkeypatch.setenv(
        "AIRFLOW_CONN_FIX_LOCKERS",
        lockers if lockers.startswith("sqlite") else airflow_uri(lockers),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_FIX_FILES", json.dumps({"conn_type": "fs", "extra": {"path": str(files)}})
    )
    monkeypatch.setenv("GOVERNANCE_POLICY", str(POLICY_DIR))
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GOVERNANCE_ARCHIVE_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("GOVERNANCE_SUBJECT_KEY", "k" * 32)
    open_store()
    return Scenario(tmp_path, load_policy(POLICY_DIR), cams, lockers, files)


def lockers_rows() -> dict[str, list[dict]]:
    """Customer 1: ended long ago, no billing -> archived with its note and (due) deliveries gone.
    Customer 2: ended long ago, billing still under the Accounting Law -> blocked.
    Customer 3: contract ended 2 months ago -> not due. Customer 4: active -> never due."""
    return {
        "customers": [
            {
                "id": 1,
                "full_name": "Anna Bērziņa",
                "email": "anna@example.lv",
                "contract_end": date(2023, 1, 31),
            },
            {
                "id": 2,
                "full_name": "Jānis Kalniņš",
                "email": "janis@example.lv",
                "contract_end": date(2023, 5, 1),
            },
            {
                "id": 3,
                "full_name": "Ilze Ozola",
                "email": "ilze@example.lv",
                "contract_end": date(2026, 9, 24),
            },
            {
                "id": 4,
                "full_name": "Pēteris Liepa",
                "email": "peteris@example.lv",
                "contract_end": None,
            },
        ],
        "notes": [
            {"id": 10, "customer_id": 1, "note": "zvanīt pirms piegādes"},
            {"id": 11, "customer_id": 3, "note": "vārti ar kodu"},
        ],
        "deliveries": [
            {"id": 20, "customer_id": 1, "delivered_at": datetime(2022, 12, 1, 9)},
            {"id": 21, "customer_id": 3, "delivered_at": datetime(2026, 8, 1, 9)},
        ],
        "billing": [
            {
                "id": 30,
                "customer_id": 2,
                "amount": Decimal("12.50"),
                "invoice_date": date(2023, 4, 30),
            },
        ],
    }
