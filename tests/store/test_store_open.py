"""open_store: migrations to head, idempotent, and the models match the migrations exactly."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from governance.store import open_store
from governance.store.migrate import head_revision
from governance.store.models import Base, LedgerRow, LegalHold, Request, Restriction

TABLES = {"requests", "legal_holds", "restrictions", "ledger_entries"}


def _revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_open_store_creates_folder_and_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'deeper' / 'gov.db'}"
    engine = open_store(url)
    assert (tmp_path / "nested" / "deeper" / "gov.db").is_file()
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert _revision(engine) == head_revision()


def test_open_store_defaults_to_settings_url(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVERNANCE_STORE_URL", f"sqlite:///{tmp_path / 'from_env.db'}")
    engine = open_store()
    assert (tmp_path / "from_env.db").is_file()
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_open_store_twice_is_idempotent_and_keeps_data(new_database):
    url = new_database("gov")
    first = open_store(url)
    with Session(first) as session, session.begin():
        session.add(
            LegalHold(
                scope_kind="subject",
                subject_ref="sr_" + "a" * 32,
                reason="court case 12/2024",
                placed_by="dpo",
            )
        )
    first.dispose()
    second = open_store(url)
    assert _revision(second) == head_revision()
    with Session(second) as session:
        holds = session.scalars(select(LegalHold)).all()
    assert [h.reason for h in holds] == ["court case 12/2024"]


def test_concurrent_first_opens_do_not_collide(new_database):
    url = new_database("race")
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            open_store(url).dispose()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _revision(open_store(url)) == head_revision()


def test_in_memory_store_keeps_its_schema_across_connections():
    engine = open_store("sqlite://")
    with engine.connect() as first:
        assert "ledger_entries" in inspect(first).get_table_names()
    with engine.connect() as second:
        assert second.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one() == 0


def test_migrations_match_models(new_database):
    engine = open_store(new_database("gov"))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_timestamps_round_trip_as_aware_utc(new_database):
    engine = open_store(new_database("gov"))
    riga = timezone(timedelta(hours=3))
    placed = datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=riga)
    with Session(engine) as session, session.begin():
        session.add(
            LegalHold(
                id="h1",
                scope_kind="time_range",
                range_from=datetime(2023, 1, 1, tzinfo=UTC),
                range_to=datetime(2023, 6, 30, tzinfo=UTC),
                where={"status": "disputed"},
                reason="tax audit",
                placed_by="dpo",
                placed_at=placed,
            )
        )
    with Session(engine) as session:
        hold = session.get(LegalHold, "h1")
        assert hold.placed_at == placed
        assert hold.placed_at.tzinfo == UTC
        assert hold.placed_at.hour == 9
        assert hold.where == {"status": "disputed"}


def test_naive_timestamps_are_refused(new_database):
    engine = open_store(new_database("gov"))
    with Session(engine) as session:
        session.add(
            LegalHold(
                scope_kind="record",
                reason="x",
                placed_by="dpo",
                placed_at=datetime(2025, 1, 1, 12, 0),
            )
        )
        with pytest.raises(StatementError, match="timezone-aware"):
            session.flush()


def test_request_defaults_and_constraints(new_database):
    engine = open_store(new_database("gov"))
    with Session(engine) as session, session.begin():
        request = Request(type="access", received_on=date(2025, 3, 3), due_on=date(2025, 4, 3))
        session.add(request)
        session.flush()
        assert len(request.id) == 36
        assert request.status == "registered"
        assert request.scope == ["*"]
        assert request.subject_refs == []
        assert request.created_at.tzinfo == UTC
    with Session(engine) as session:
        session.add(Request(type="teleport", received_on=date(2025, 3, 3), due_on=date(2025, 4, 3)))
        with pytest.raises(IntegrityError, match="ck_requests_type"):
            session.flush()


def test_restriction_needs_an_existing_request(new_database):
    engine = open_store(new_database("gov"))
    with Session(engine) as session:
        session.add(
            Restriction(
                request_id="no-such-request", subject_ref="sr_" + "b" * 32, reason="Art. 18"
            )
        )
        with pytest.raises(IntegrityError, match="(?i)foreign key"):
            session.flush()


def test_ledger_rows_cannot_be_changed_or_deleted_through_the_orm(new_database):
    engine = open_store(new_database("gov"))
    row = LedgerRow(
        seq=1,
        at=datetime.now(UTC),
        actor="system",
        event="test",
        counts={},
        detail={},
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    with Session(engine) as session, session.begin():
        session.add(row)
    with Session(engine) as session:
        stored = session.get(LedgerRow, 1)
        stored.event = "rewritten"
        with pytest.raises(PermissionError, match="append-only"):
            session.flush()
        session.rollback()
        session.delete(session.get(LedgerRow, 1))
        with pytest.raises(PermissionError, match="append-only"):
            session.flush()
