"""A demo estate for data-subject requests, and a driver that runs a request's task bodies in
the order the ``dsr`` DAG runs them (the DAG itself is exercised in test_dsr_dag.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.estate import build_estate, connection_env, subject

ROOT = Path(__file__).resolve().parents[2]
SEED = 23
SUBJECTS = 240
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def estate(tmp_path, monkeypatch, new_database):
    """A fresh estate and store per test (requests change the sources): SQLite files, or
    databases of this test's own in the PostgreSQL pass."""
    from governance.estate.indexes import ensure_estate_indexes

    folder = tmp_path / "estate"
    build_estate(folder, SUBJECTS, SEED)
    for key, value in connection_env(folder).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVERNANCE_ESTATE", str(folder))
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_OUTBOX", str(tmp_path / "outbox"))
    ensure_estate_indexes(folder)
    return folder


def person(index: int):
    return subject(SEED, index)


def identifiers_of(index: int, *kinds: str) -> dict[str, str]:
    p = person(index)
    every = {
        "email": p.email,
        "phone": p.phone,
        "personas_kods": p.personas_kods,
        "name": p.full_name,
        "address": p.address,
    }
    return {k: every[k] for k in (kinds or every)}


def register(request_type: str, ids: dict, *, corrections: dict | None = None, scope=("*",)) -> str:
    from governance.dsr import requests
    from governance.policy import load_policy
    from governance.store import open_store

    return requests.register(
        open_store(),
        request_type=request_type,
        received_on=date(2026, 11, 20),
        identifiers=ids,
        verification_method="in_person_id_document",
        verification_reference="ID card checked at the front desk",
        verified_by="dpo",
        scope=list(scope),
        corrections=corrections,
        known_purposes=list(load_policy().purposes),
        today=TODAY,
    )


def run_request(request_id: str, approval: str | None = "Approve") -> dict:
    """load -> locate per system -> plan -> (approval) -> carry out -> verify -> respond -> record."""
    from governance.dsr import tasks

    loaded = tasks.load(request_id, "test")
    located = [tasks.locate(request_id, system) for system in loaded["systems"]]
    planned = tasks.plan(request_id, TODAY, NOW)
    choice = approval if planned["needs_approval"] else None
    done = tasks.carry_out(request_id, choice, "test")
    result = {"loaded": loaded, "located": located, "planned": planned, "done": done}
    if done["rejected"]:
        result["recorded"] = tasks.record(request_id, "test", done)
        return result
    result["verified"] = tasks.verify(request_id)
    result["responded"] = tasks.respond(request_id, done["include_uncertain"], TODAY)
    result["recorded"] = tasks.record(request_id, "test", {**done, **result["responded"]})
    return result


def sql(estate, system: str, query: str, *args) -> list[tuple]:
    """An independent read of a source system (plain SQL, ``?`` placeholders), through the
    connection the test's estate defines: the SQLite file or its PostgreSQL database."""
    from governance.connections import get_connection

    assert query.count("?") == len(args), "one ? per argument"
    parts = query.split("?")
    named = parts[0] + "".join(f":p{i}{part}" for i, part in enumerate(parts[1:]))
    engine = sa.create_engine(get_connection(f"estate_{system}").sqlalchemy_url())
    try:
        with engine.connect() as conn:
            result = conn.execute(sa.text(named), {f"p{i}": v for i, v in enumerate(args)})
            return [tuple(row) for row in result]
    finally:
        engine.dispose()


def parcel_customer_ids(estate, index: int) -> set[int]:
    p = person(index)
    rows = sql(
        estate,
        "parcel_locker",
        "SELECT id FROM customers WHERE replace(personas_kods,'-','') = ? OR lower(email) = ?"
        " OR replace(replace(replace(phone,' ',''),'-',''),'+','') IN (?,?,?)",
        p.personas_kods.replace("-", ""),
        p.email.lower(),
        p.phone[4:],
        p.phone[1:],
        "00" + p.phone[1:],
    )
    return {r[0] for r in rows}


def customer_with_recent_billing(estate) -> tuple[int, set[int]]:
    for index in range(80):
        customers = parcel_customer_ids(estate, index)
        if (
            customers
            and sql(
                estate,
                "parcel_locker",
                f"SELECT count(*) FROM billing WHERE customer_id IN ({','.join(map(str, customers))})"
                " AND invoice_date > ?",
                CUTOFF_5Y,
            )[0][0]
        ):
            return index, customers
    raise AssertionError("no parcel-locker customer with billing younger than 5 years")


CUTOFF_5Y = "2021-11-24"
