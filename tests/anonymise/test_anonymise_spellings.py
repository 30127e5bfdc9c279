"""Through the retention DAG's own task bodies (plan, sweep, gate, verify, record): due helpdesk
cases whose topic holds each kind of personal data in several spellings, for cases linked to a
named contact, become statistics with nothing identifying left; numbers that are not
identifiers survive; the gate (the GX project's checkpoint) passes and writes Data Docs; a
survivor put back, a spelling or just the contact's surname in another case, fails it. No
planted value appears in any file Great Expectations wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.estate import build_estate, connection_env, estate_urls

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SEED = 9
PURPOSE, RULE = "communication", "messages_after_answer"
NAME = "Jānis Bērziņš"
TOPICS = (
    "Jāņa Bērziņa sūdzība, tālr. 29 12 34 56",
    "Zvanīja Jānim Bērziņam: 29.12.34.56, kods 161175 19997",
    "J. Bērziņš, kods 161175\u201319997, e-pasts janis [at] inbox.lv",
    "BERZINS JANIS, e-pasts janis(at)inbox(dot)lv",
    "Bērziņa kungs dzīvo Brīvības ielā 12-5, konts LV80 BANK 0000 4351 9500 1",
    "adrese brīvības ielā 12, auto KZ-1234, tālr. +371\u00a02912\u00a03456",
    "Redzēju Jāni Bērziņu pie Kr. Valdemāra pr. 3, e-pasts jānis.bērziņš@inbox.lv",
    "Sveiks, Jāni Bērziņ! Tavs jaunais kods 321234-56789, tālr. 2912-3456",
    "Anna Kalniņa zvanīja Bērziņiem, numurzīme HN 527",
    "Rēķins Nr. 202311-00042 no 20231115 par 1 234,56 EUR",
)
#: Spellings that must not survive anywhere (parts of the planted values).
PLANTED = (
    "Bērziņ", "BERZINS", "Jāņa", "Jānim", "Jāni ", "JANIS", "29 12 34 56", "29.12.34.56",
    "161175", "19997", "janis", "inbox", "Brīvības", "brīvības", "LV80", "4351 9500",
    "KZ-1234", "2912", "Valdemāra", "321234", "Kalniņa", "HN 527",
)  # fmt: skip
SURVIVES = "Rēķins Nr. 202311-00042 no 20231115 par 1 234,56 EUR"


@pytest.fixture
def env(tmp_path, monkeypatch, new_database):
    folder = tmp_path / "estate"
    build_estate(folder, 800, SEED)
    for key, value in connection_env(folder).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "reports"))
    return folder


def _engine(estate) -> sa.Engine:
    return sa.create_engine(estate_urls(estate)["helpdesk"])


def _plant(estate) -> list[int]:
    """Ten due cases (answered three years ago) of one contact, now called Jānis Bērziņš, in
    one class of the quasi-identifiers (so none is suppressed), with the topics above."""
    engine = _engine(estate)
    meta = sa.MetaData()
    messages = sa.Table("messages", meta, autoload_with=engine)
    contacts = sa.Table("contacts", meta, autoload_with=engine)
    with engine.begin() as conn:
        contact = conn.execute(sa.select(sa.func.min(contacts.c.id))).scalar_one()
        conn.execute(sa.update(contacts).where(contacts.c.id == contact).values(full_name=NAME))
        ids = [
            row[0]
            for row in conn.execute(
                sa.select(messages.c.id).order_by(messages.c.id).limit(len(TOPICS))
            )
        ]
        for case_id, topic in zip(ids, TOPICS, strict=True):
            conn.execute(
                sa.update(messages)
                .where(messages.c.id == case_id)
                .values(
                    contact_id=contact,
                    subject=topic,
                    channel="email",
                    received_at=datetime(2023, 3, 1, 10, 0),
                    answered_at=datetime(2023, 3, 2, 10, 0),
                )
            )
    engine.dispose()
    return ids


def _topics(estate) -> list[str]:
    engine = _engine(estate)
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(sa.text("SELECT subject FROM messages_statistics"))]
    engine.dispose()
    return [r for r in rows if r is not None]


def _gx_files(reports: Path) -> str:
    """Every file Great Expectations wrote (results, Data Docs) and the gate's evidence."""
    out = []
    for folder in (reports / "gx", reports / "evidence"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (".json", ".html", ".md", ".txt", ""):
                out.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(out)


def test_every_spelling_is_scrubbed_and_a_put_back_survivor_fails_the_gate(env, tmp_path):
    from governance.identity.recognisers import People, recognise
    from governance.retention import tasks

    _plant(env)
    planned = tasks.plan(PURPOSE, RULE, NOW)
    swept = tasks.sweep(PURPOSE, RULE, NOW, "manual__spellings")
    assert swept["removed"] == planned["actionable"] >= len(TOPICS)
    topics = _topics(env)
    joined = "\n".join(topics)
    for value in PLANTED:
        assert value not in joined, value
    for label in (
        "[name]",
        "[phone]",
        "[personas_kods]",
        "[email]",
        "[address]",
        "[iban]",
        "[plate]",
    ):
        assert label in joined, label  # the planted cases were kept (not suppressed), scrubbed
    assert SURVIVES in topics  # an invoice number, a date and an amount are not identifiers
    people = People([NAME])
    assert [t for t in topics if recognise(t, people)] == []

    result = tasks.gate(PURPOSE, RULE, run_id="manual__spellings", actor="test")
    assert result["passed"] and result["rows"] >= len(topics)
    verified = tasks.verify(PURPOSE, RULE, NOW, planned)
    tasks.record(
        PURPOSE, RULE, run_id="manual__spellings", actor="test", planned=planned,
        swept=swept, verified=verified,
    )  # fmt: skip
    reports = tmp_path / "reports"
    index = reports / "gx" / "data_docs" / "index.html"
    assert index.exists()
    from governance.anonymise.gx_project import data_docs_index

    assert data_docs_index() == index
    assert list((reports / "gx" / "validations").rglob("*.json"))
    page = "\n".join(p.read_text() for p in (reports / "gx" / "data_docs").rglob("*.html"))
    assert "occurs in at least" in page  # the k-anonymity renderer, not a kwargs dump
    assert "holds personal data" in page

    for survivor in ("Sveiki, Jāņa Bērziņa tālrunis 29 12 34 56", "Paldies Bērziņam"):
        engine = _engine(env)
        with engine.begin() as conn:
            first = conn.execute(sa.text("SELECT min(case_ref) FROM messages_statistics")).scalar()
            conn.execute(
                sa.text("UPDATE messages_statistics SET subject = :s WHERE case_ref = :c"),
                {"s": survivor, "c": first},
            )
        engine.dispose()
        with pytest.raises(
            tasks.AnonymisationGateFailed,
            match="expect_column_values_to_hold_no_personal_data on subject",
        ):
            tasks.gate(PURPOSE, RULE, run_id="manual__survivor", actor="test")
    written = _gx_files(reports)
    assert "FAILED" in written or "false" in written
    for value in (*PLANTED, "Sveiki", "Paldies", "29 12 34 56", NAME):
        assert value not in written, value
