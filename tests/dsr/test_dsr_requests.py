"""Every request type end to end on the demo estate (task bodies in DAG order), cross-checked
against the sources with independent SQL."""

from __future__ import annotations

import json

import pytest
from conftest import (
    CUTOFF_5Y,
    TODAY,
    customer_with_recent_billing,
    identifiers_of,
    parcel_customer_ids,
    person,
    register,
    run_request,
    sql,
)

from governance.dsr.approval import APPROVE, APPROVE_ALL
from governance.dsr.package import open_package, verify_package


def _package(request_id):
    from governance.dsr import requests
    from governance.dsr.assemble import package_path
    from governance.dsr.passphrase import retrieve_passphrase
    from governance.store import open_store

    view = requests.get(open_store(), request_id)
    assert view.has_package
    secret = retrieve_passphrase(request_id, "test")
    with pytest.raises(requests.RequestError, match="already retrieved"):
        retrieve_passphrase(request_id, "test")

    return open_package(package_path(request_id), secret)


def test_access_package_opens_verifies_and_holds_exactly_the_subjects_records(estate):
    index = 2
    customers = parcel_customer_ids(estate, index)
    assert customers, "the chosen subject must be a parcel-locker customer"
    request_id = register("access", identifiers_of(index, "email", "phone", "personas_kods"))
    result = run_request(request_id, APPROVE)
    assert result["recorded"]["status"] == "completed"
    members = _package(request_id)
    assert verify_package(members) == []
    manifest = json.loads(members["manifest.json"])
    assert manifest["complete"] is True
    assert {s["system"] for s in manifest["sources"]} >= {"parcel_locker", "cctv", "helpdesk"}
    statuses = {s["system"]: s["status"] for s in manifest["sources"]}
    assert statuses["parcel_locker"] == statuses["helpdesk"] == "searched"
    assert statuses["cctv"].startswith("not searchable")  # no identifier columns: video only
    packaged = {row["id"] for row in json.loads(members["data/parcel_locker/customers.json"])}
    assert packaged == customers
    lockers = {
        r[0]
        for r in sql(
            estate,
            "parcel_locker",
            f"SELECT id FROM lockers WHERE customer_id IN ({','.join(map(str, customers))})",
        )
    }
    assert {r["id"] for r in json.loads(members["data/parcel_locker/lockers.json"])} == lockers
    billing = json.loads(members["data/parcel_locker/billing.json"])
    assert {r["customer_id"] for r in billing} <= customers
    assert "data/parcel_locker/customers.csv" in members
    readme = members["README.lv.html"].decode()
    assert "Datu valsts inspekcija" in readme and "Mājas pakomāta" in readme
    assert "README.en.html" in members


def test_possible_matches_are_included_only_with_approval(estate):
    index = 0  # known only by name in the print shop's recipient lists
    request_id = register("access", identifiers_of(index))
    result = run_request(request_id, APPROVE)
    assert result["planned"]["match"].get("possible", 0) > 0
    members = _package(request_id)
    assert not any(name.startswith("data/print_shop/") for name in members)

    second = register("access", identifiers_of(index))
    run_request(second, APPROVE_ALL)
    members = _package(second)
    assert any(name.startswith("data/print_shop/recipients") for name in members)


def test_erasure_keeps_accounting_records_and_says_so(estate):
    index, customers = customer_with_recent_billing(estate)
    ids = ",".join(map(str, customers))
    kept = sql(
        estate,
        "parcel_locker",
        f"SELECT id FROM billing WHERE customer_id IN ({ids}) AND invoice_date > ?",
        CUTOFF_5Y,
    )
    request_id = register("erasure", identifiers_of(index, "email", "phone", "personas_kods"))
    result = run_request(request_id, APPROVE)
    assert result["done"]["erased"] > 0
    # Billing younger than the Accounting Law's 5 years stays, older billing goes.
    assert (
        sql(estate, "parcel_locker", f"SELECT id FROM billing WHERE customer_id IN ({ids})") == kept
    )
    # The customer row stays while billing that points at it is kept.
    assert sql(estate, "parcel_locker", f"SELECT count(*) FROM customers WHERE id IN ({ids})")[0][
        0
    ] == len(customers)
    lockers = sql(estate, "parcel_locker", f"SELECT id FROM lockers WHERE customer_id IN ({ids})")
    if lockers:
        locker_ids = ",".join(str(r[0]) for r in lockers)
        assert (
            sql(
                estate,
                "parcel_locker",
                f"SELECT count(*) FROM deliveries WHERE locker_id IN ({locker_ids})",
            )[0][0]
            == 0
        )
    from governance.dsr import requests
    from governance.store import open_store

    view = requests.get(open_store(), request_id)
    folder = estate.parent / "outbox" / request_id
    english = (folder / "response.en.html").read_text()
    latvian = (folder / "response.lv.html").read_text()
    assert "Grāmatvedības likums" in english and "kept" in english and "until" in english
    assert "saglabāts" in latvian
    assert view.status == "completed"
    # Nothing erasable is left: a second request finds only what is kept.
    again = register("erasure", identifiers_of(index, "email", "phone", "personas_kods"))
    second = run_request(again, APPROVE)
    assert second["done"]["erased"] == 0


def test_portability_excludes_client_provided_and_legal_obligation_data(estate):
    from governance.policy import load_policy

    policy = load_policy()
    for index in range(4, 9):
        request_id = register("portability", identifiers_of(index))
        run_request(request_id, APPROVE_ALL)
        members = _package(request_id)
        for name, content in members.items():
            if not (name.startswith("data/") and name.endswith(".json")):
                continue
            system, entity = name[len("data/") : -len(".json")].split("/")
            model = policy.entity(f"{system}.{entity}")
            purpose = policy.purpose(model.purpose)
            assert purpose.legal_basis in ("consent", "contract"), name
            provided = set(model.subject_provided_columns())
            assert provided, name
            for row in json.loads(content):
                assert set(row) <= provided | {model.primary_key}, name


def test_consent_withdrawal_erases_the_candidate_and_the_cv_file(estate):
    rows = []
    index = None
    for i in range(60):
        p = person(i)
        rows = sql(
            estate,
            "recruitment",
            "SELECT id, cv_path FROM candidates WHERE lower(email) = ?",
            p.email.lower(),
        )
        if rows:
            index = i
            break
    assert index is not None, "no candidate among the first 60 subjects"
    cv_files = [estate / "files" / "recruitment" / r[1] for r in rows if r[1]]
    assert all(f.exists() for f in cv_files)
    request_id = register("consent_withdrawal", identifiers_of(index, "email", "phone"))
    result = run_request(request_id, APPROVE)
    assert result["recorded"]["status"] == "completed"
    assert (
        sql(
            estate,
            "recruitment",
            "SELECT count(*) FROM candidates WHERE id IN ({})".format(
                ",".join(str(r[0]) for r in rows)
            ),
        )[0][0]
        == 0
    )
    assert not any(f.exists() for f in cv_files)


def test_rectification_writes_the_corrected_values(estate):
    index = 2
    customers = parcel_customer_ids(estate, index)
    request_id = register(
        "rectification",
        identifiers_of(index, "email", "personas_kods"),
        corrections={"email": "Jauna.Adrese@Example.LV"},
    )
    result = run_request(request_id, APPROVE)
    assert result["done"]["rectified"] >= len(customers)
    emails = {
        r[0]
        for r in sql(
            estate,
            "parcel_locker",
            f"SELECT email FROM customers WHERE id IN ({','.join(map(str, customers))})",
        )
    }
    assert emails == {"jauna.adrese@example.lv"}


def test_restriction_is_recorded_and_a_rerun_adds_nothing(estate):
    import sqlalchemy as sa

    from governance.dsr import tasks
    from governance.store import open_store

    request_id = register("restriction", identifiers_of(2, "email", "personas_kods"))
    result = run_request(request_id, APPROVE)
    with open_store().connect() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM restrictions WHERE request_id = :r"), {"r": request_id}
        ).scalar()
    assert count == result["done"]["restricted"] > 0
    again = tasks.carry_out(request_id, None, "test")
    assert again.get("restricted", 0) == 0


def test_carry_out_twice_erases_nothing_twice(estate):
    from governance.dsr import tasks

    request_id = register("objection", identifiers_of(3, "email", "phone", "personas_kods"))
    first = run_request(request_id, APPROVE)
    assert first["recorded"]["status"] == "completed"
    from governance.dsr import requests
    from governance.store import open_store

    assert requests.get(open_store(), request_id).outcome is not None
    rerun = tasks.carry_out(request_id, APPROVE, "test")
    assert rerun.get("erased", 0) == 0


def test_an_unreachable_source_fails_locate_without_a_package(estate, monkeypatch):
    from governance.dsr import requests, tasks
    from governance.sources.sql import SourceUnavailable
    from governance.store import open_store

    request_id = register("access", identifiers_of(2))
    tasks.load(request_id, "test")
    monkeypatch.setenv("AIRFLOW_CONN_ESTATE_CCTV", "sqlite:////nonexistent/cctv.db")
    with pytest.raises(SourceUnavailable):
        tasks.locate(request_id, "cctv")
    view = requests.get(open_store(), request_id)
    assert view.status == "in_progress" and not view.has_package


def test_due_dates_in_the_store(estate):
    from governance.dsr import requests
    from governance.store import open_store

    request_id = register("access", identifiers_of(1))
    view = requests.get(open_store(), request_id)
    assert view.due_on.isoformat() == "2026-12-20"
    assert view.deadline(TODAY) == "open"


def test_the_products_own_retention_purges_identifiers_and_package(estate):
    """Three months after the answer, the request's secrets and package go; its dates stay."""
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from governance.dsr import requests
    from governance.dsr.assemble import package_path
    from governance.retention import tasks as retention
    from governance.store import open_store
    from governance.store.models import RequestSecret

    ids = identifiers_of(2, "email", "phone", "personas_kods")
    request_id = register("access", ids)
    run_request(request_id, APPROVE)
    package = package_path(request_id)
    assert package and __import__("pathlib").Path(package).exists()
    store = open_store()
    now = datetime.now(UTC)
    with Session(store) as session, session.begin():
        session.get(RequestSecret, request_id).closed_at = now - timedelta(days=100)
    planned = retention.plan("dsr_handling", "secrets_after_answer", now)
    assert planned["actionable"] == 1
    swept = retention.sweep("dsr_handling", "secrets_after_answer", now, "manual__purge")
    assert swept["removed"] == 1 and swept["files_removed"] == 1
    assert not __import__("pathlib").Path(package).exists()
    with pytest.raises(requests.RequestError, match="purged"):
        requests.identifiers_of(store, request_id)
    view = requests.get(store, request_id)
    assert view.status == "completed" and view.received_on and not view.has_package
    with store.connect() as conn:
        dump = " ".join(
            str(row)
            for table in ("requests", "request_records", "request_secrets", "ledger_entries")
            for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
        )
    for value in ids.values():
        assert value not in dump
