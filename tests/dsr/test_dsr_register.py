"""Registration: per-field errors that never repeat the value, nothing stored on error."""

from __future__ import annotations

import io
import json

import pytest
from conftest import identifiers_of

from governance.cli import main


@pytest.fixture
def store(monkeypatch, new_database):
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    from governance.store import open_store

    return open_store()


def _counts(engine):
    import sqlalchemy as sa

    with engine.connect() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("requests", "ledger_entries")
        )


def _cli(monkeypatch, capsys, payload, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO(payload))
    code = main(["dsr", "register", *args])
    return code, capsys.readouterr()


BAD = {
    "email": "not-an-email",
    "phone": "12",
    "personas_kods": "010190-99999",
    "name": "' OR 1=1; DROP TABLE requests; --",
}


def test_every_bad_field_is_named_and_nothing_is_stored(store, monkeypatch, capsys):
    before = _counts(store)
    code, out = _cli(
        monkeypatch,
        capsys,
        json.dumps({**BAD, "name": "Jānis"}),
        "--type",
        "access",
        "--received",
        "2026-11-20",
        "--verified-by",
        "in_person_id_document",
        "--reference",
        "passport checked",
    )
    assert code == 2
    for field in ("identifiers.email", "identifiers.phone", "identifiers.personas_kods"):
        assert field in out.err
    for value in BAD.values():
        assert value not in out.err and value not in out.out
    assert "nothing was stored" in out.err
    assert _counts(store) == before


def test_injection_strings_are_data_not_sql(store, monkeypatch, capsys):
    code, out = _cli(
        monkeypatch,
        capsys,
        json.dumps({"email": "a'; DROP TABLE requests;--@x.lv"}),
        "--type",
        "access",
        "--received",
        "2026-11-20",
        "--verified-by",
        "in_person_id_document",
        "--reference",
        "ok",
    )
    assert code == 2 and "identifiers.email" in out.err and "DROP" not in out.err
    assert _counts(store) == (0, 0)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--type", "access", "--received", "20.11.2026"], "received"),
        (["--type", "access", "--received", "2099-01-01"], "received"),
        (["--type", "access", "--received", "2026-11-20", "--scope", "nope"], "scope"),
        (["--type", "rectification", "--received", "2026-11-20"], "corrections"),
    ],
)
def test_bad_options_are_named(store, monkeypatch, capsys, args, field):
    code, out = _cli(
        monkeypatch,
        capsys,
        json.dumps(identifiers_of(1)),
        *args,
        "--verified-by",
        "qualified_e_signature",
        "--reference",
        "eds-2026-11",
    )
    assert code == 2 and f"{field}:" in out.err
    assert _counts(store) == (0, 0)


def test_a_reference_holding_an_identifier_is_refused(store, monkeypatch, capsys):
    ids = identifiers_of(1)
    code, out = _cli(
        monkeypatch,
        capsys,
        json.dumps(ids),
        "--type",
        "access",
        "--received",
        "2026-11-20",
        "--verified-by",
        "in_person_id_document",
        "--reference",
        f"checked {ids['personas_kods']}",
    )
    assert code == 2 and "reference:" in out.err and ids["personas_kods"] not in out.err


def test_register_stores_identifiers_encrypted_and_prints_only_the_id(store, monkeypatch, capsys):
    ids = identifiers_of(1)
    code, out = _cli(
        monkeypatch,
        capsys,
        json.dumps(ids),
        "--type",
        "access",
        "--received",
        "2026-11-20",
        "--verified-by",
        "in_person_id_document",
        "--reference",
        "ID card",
    )
    assert code == 0
    request_id = out.out.strip()
    assert len(request_id) == 36
    import sqlalchemy as sa

    with store.connect() as conn:
        dump = json.dumps([str(r) for r in conn.execute(sa.text("SELECT * FROM requests"))])
        dump += json.dumps([str(r) for r in conn.execute(sa.text("SELECT * FROM ledger_entries"))])
    for value in (ids["email"], ids["phone"], ids["personas_kods"], ids["name"]):
        assert value not in dump
    assert main(["dsr", "status", request_id]) == 0
    status = capsys.readouterr().out
    assert "due 2026-12-20" in status and "verified  in_person_id_document" in status
    assert main(["dsr", "extend", request_id, "--months", "2", "--reason", "complex request"]) == 0
    assert "due 2027-02-20" in capsys.readouterr().out
    assert main(["dsr", "extend", request_id, "--months", "3", "--reason", "too long"]) == 2
    assert "governance dsr: --months: expected 1 or 2" in capsys.readouterr().err


def test_the_masker_gets_every_spelling_of_a_stored_requests_identifiers(store):
    """What the ``dsr`` DAG hands Airflow's secret masker before each task: the stored
    request's forms; nothing (and no error) for a run without a request or an unknown one."""
    from governance.dsr import requests
    from governance.dsr.identifiers import parse_identifiers
    from governance.dsr.masking import request_secret_forms, secret_forms

    ids = identifiers_of(3, "email", "phone", "personas_kods")
    request_id = requests.register(
        store,
        request_type="access",
        received_on="2026-11-20",
        identifiers=ids,
        verification_method="in_person_id_document",
        verification_reference="ID card checked at the front desk",
        verified_by="dpo",
    )
    forms = request_secret_forms(request_id)
    assert forms == secret_forms(parse_identifiers(ids)) and ids["email"] in forms
    assert request_secret_forms(None) == []
    assert request_secret_forms("00000000-0000-0000-0000-000000000000") == []
