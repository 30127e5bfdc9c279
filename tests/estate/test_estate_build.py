"""The demo estate: deterministic, shaped as the data map says, with drift, overlaps and dates
on both sides of every retention boundary. Read back through the URLs its manifest records:
SQLite files, or its databases on the estate server in the PostgreSQL pass."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance import settings
from governance.cli import main
from governance.estate import SYSTEMS, build_estate, estate_urls, subject
from governance.estate.schema import metadata_for
from governance.identity import (
    contains_identifier,
    name_key,
    normalise_email,
    normalise_iban,
    normalise_personas_kods,
    normalise_phone,
)
from governance.policy import load_policy

SUBJECTS, SEED = 300, 7
DOC = Path(__file__).parents[2] / "docs" / "demo-estate.md"


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("estate") / "estate"
    build_estate(target, SUBJECTS, SEED)
    return target


def _rows(estate: Path, system: str, table: str) -> list[dict]:
    """The table's rows by id, typed by the estate's schema (dates and timestamps as such)."""
    declared = metadata_for(system).tables[table]
    engine = sa.create_engine(estate_urls(estate)[system])
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(declared).order_by(declared.c.id))]
    engine.dispose()
    return rows


def _digest(estate: Path) -> str:
    h = hashlib.sha256()
    for system, url in estate_urls(estate).items():
        engine = sa.create_engine(url)
        for table in sorted(sa.inspect(engine).get_table_names()):
            h.update(repr(_rows(estate, system, table)).encode())
        engine.dispose()
    return h.hexdigest()


def test_same_seed_same_estate_other_seed_other_estate(estate, tmp_path, monkeypatch):
    prefix = settings.estate_database_prefix()
    for name, seed in (("again", SEED), ("other", SEED + 1)):
        # On the estate server each build needs databases of its own (SQLite: its own folder).
        monkeypatch.setenv("GOVERNANCE_ESTATE_DATABASE_PREFIX", f"{prefix}_{name}")
        build_estate(tmp_path / name, SUBJECTS, seed)
    assert _digest(tmp_path / "again") == _digest(estate)
    assert _digest(tmp_path / "other") != _digest(estate)


def test_tables_and_columns_match_the_data_map_and_the_doc(estate):
    policy = load_policy()
    documented = set(re.findall(r"^\| (?:\w+ \(\w+\))? ?\| (\w+) \|", DOC.read_text(), re.M))
    from governance.store.models import RequestSecret

    for system, source in policy.sources.items():
        if system not in SYSTEMS:  # the governance store: its data map follows the models
            for entity in source.entities.values():
                assert set(entity.columns) == {c.name for c in RequestSecret.__table__.columns}
            continue
        inspector = sa.inspect(sa.create_engine(estate_urls(estate)[system]))
        for name, entity in source.entities.items():
            columns = {c["name"] for c in inspector.get_columns(entity.table)}
            assert columns == set(entity.columns), f"{system}.{name}"
            assert entity.table in documented


def test_a_person_appears_in_several_systems_spelled_differently(estate):
    found_drift = False
    for index in range(40):
        person = subject(SEED, index)
        email = normalise_email(person.email)
        hits = []
        for system, table, column in (
            ("helpdesk", "contacts", "email"),
            ("mailer", "email_messages", "recipient_email"),
            ("einvoice", "invoice_recipients", "email"),
            ("parcel_locker", "customers", "email"),
        ):
            raw = [
                r[column]
                for r in _rows(estate, system, table)
                if normalise_email(r[column]) == email
            ]
            hits += raw
        if len({normalise_email(h) for h in hits}) == 1 and len(set(hits)) > 1:
            found_drift = True
        if len(hits) >= 2:
            assert all(normalise_email(h) == email for h in hits)
    assert found_drift, "the same e-mail should be spelled differently somewhere"


def test_identifiers_are_valid_and_varied(estate):
    codes = [r["personas_kods"] for r in _rows(estate, "parcel_locker", "customers")]
    codes += [r["subject_personas_kods"] for r in _rows(estate, "archive", "documents")]
    normalised = [normalise_personas_kods(c) for c in codes]
    assert any(c.startswith("3") for c in normalised) and any(
        not c.startswith("3") for c in normalised
    )
    assert any("-" not in c for c in codes) and any("-" in c for c in codes)
    phones = [r["phone"] for r in _rows(estate, "helpdesk", "contacts")]
    assert {normalise_phone(p)[:5] for p in phones} == {"+3712"}
    assert len({p[:2] for p in phones}) > 1  # written in more than one way
    for row in _rows(estate, "einvoice", "invoice_recipients"):
        assert normalise_iban(row["iban"]).startswith("LV")


def test_different_people_share_names(estate):
    people = [subject(SEED, i) for i in range(SUBJECTS)]
    by_name: dict[str, set[str]] = {}
    for p in people:
        by_name.setdefault(name_key(p.full_name), set()).add(p.personas_kods)
    assert any(len(codes) > 1 for codes in by_name.values())


def test_every_rule_has_records_on_both_sides_of_its_boundary(estate):
    now = datetime(2026, 11, 1, 12)
    clips = [r["recorded_at"] for r in _rows(estate, "cctv", "recordings")]
    assert any(t < now - timedelta(days=30) for t in clips) and any(
        t > now - timedelta(days=30) for t in clips
    )
    ends = [r["competition_end"] for r in _rows(estate, "recruitment", "candidates")]
    dated = [e for e in ends if e]
    assert all(type(d) is date for d in dated)
    assert any(d < now.date() - timedelta(days=183) for d in dated) and any(
        d > now.date() - timedelta(days=183) for d in dated
    )
    assert None in ends  # a competition still open: never due
    assert any(r["answered_at"] is None for r in _rows(estate, "helpdesk", "messages"))


def test_files_exist_and_free_text_mentions_identifiers(estate):
    for system, table, column in (
        ("cctv", "recordings", "file_path"),
        ("archive", "documents", "file_path"),
        ("recruitment", "candidates", "cv_path"),
    ):
        for row in _rows(estate, system, table):
            assert (estate / "files" / system / row[column]).is_file()
    bodies = [r["body"] for r in _rows(estate, "helpdesk", "messages")]
    assert sum(contains_identifier(b) for b in bodies) > len(bodies) * 0.5


def test_cli_builds_the_estate(tmp_path, capsys):
    assert (
        main(["demo-estate", "--subjects", "50", "--seed", "3", "--target", str(tmp_path / "e")])
        == 0
    )
    assert "50 subjects" in capsys.readouterr().out
    assert (tmp_path / "e" / "manifest.json").is_file()
