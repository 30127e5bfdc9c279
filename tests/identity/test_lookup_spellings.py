"""A subject whose identifiers are stored the way web forms, CSV imports and word processors
leave them (non-breaking and narrow no-break spaces, tabs, newlines, en dashes, zero-width
spaces) in every searchable entity: access finds every such row, erasure removes every row it
decides to erase and keeps the rest only by a stated decision. On SQLite and PostgreSQL (the
lookup expressions and their indexes are dialect-specific)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from governance.estate import build_estate, connection_env, subject

SEED = 31
SUBJECTS = 60
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
INDEX = 7


@pytest.fixture
def estate(tmp_path, monkeypatch, new_database):
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


def spellings(kind: str, value: str, turn: int) -> str:
    """An odd but real spelling of a canonical identifier (several per kind, by ``turn``)."""
    if kind == "email":
        return [f"{value}\t", f"\n{value.upper()}\n", f"\u200b{value} "][turn % 3]
    if kind == "phone":
        national = value[4:]
        return [
            f"+371\u00a0{national[:4]}\u00a0{national[4:]}",
            f"{national[:2]}\u202f{national[2:5]}\u202f{national[5:]}",
            f"00371\u2013{national}\t",
        ][turn % 3]
    if kind == "personas_kods":
        return [
            f"{value[:6]}\u2013{value[7:]}",
            f"{value[:6]}\u2011{value[7:]}",
            f"{value[:6]}\u00a0{value[7:]}\n",
        ][turn % 3]
    if kind == "iban":
        grouped = "\u00a0".join(value[i : i + 4] for i in range(0, len(value), 4))
        return [grouped, f"{value}\t", f"\n{grouped}"][turn % 3]
    raise AssertionError(kind)


def _plant(policy, sources, canonical: dict[str, str]) -> dict[str, set[str]]:
    """Overwrite the identifier columns of one row of every searchable entity with the
    subject's identifiers in odd spellings; returns the planted keys per entity."""
    from governance.dsr.identifiers import EXACT_KINDS

    planted: dict[str, set[str]] = {}
    turn = 0
    for system, source in sorted(policy.sources.items()):
        if system == "governance":
            continue
        for name, entity in sorted(source.entities.items()):
            columns = {
                c: col.identifier
                for c, col in entity.identifier_columns().items()
                if col.identifier in EXACT_KINDS and col.identifier in canonical
            }
            if not columns:
                continue
            table = sources.table(f"{system}.{name}")
            pk = table.c[entity.primary_key]
            with sources.engine(system).begin() as conn:
                key = conn.execute(sa.select(pk).order_by(pk.desc()).limit(1)).scalar()
                if key is None:
                    continue
                values = {}
                for column, kind in columns.items():
                    values[column] = spellings(kind, canonical[kind], turn)
                    turn += 1
                conn.execute(sa.update(table).where(pk == key).values(**values))
            planted[f"{system}.{name}"] = {str(key)}
    return planted


def _register(request_type: str, ids: dict[str, str]) -> str:
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
        scope=["*"],
        corrections=None,
        known_purposes=list(load_policy().purposes),
        today=TODAY,
    )


def test_odd_spellings_are_found_by_access_and_removed_by_erasure(estate):
    from governance.dsr import records as found_records
    from governance.dsr import tasks
    from governance.dsr.identifiers import parse_identifiers
    from governance.dsr.locate import locate_in_system
    from governance.policy import load_policy
    from governance.sources import SqlSources
    from governance.store import open_store

    person = subject(SEED, INDEX)
    canonical = {
        "email": person.email.lower(),
        "phone": person.phone,
        "personas_kods": person.personas_kods,
        "iban": person.iban.replace(" ", ""),
    }
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        planted = _plant(policy, sources, canonical)
        assert len(planted) >= 8, planted  # every searchable entity of the estate
        ids = parse_identifiers(canonical)
        found: dict[str, set[str]] = {}
        for system in {e.split(".")[0] for e in planted}:
            for hit in locate_in_system(policy, sources, system, ids, mentions=False):
                if hit.match == "exact":
                    found.setdefault(hit.entity, set()).add(hit.key)
    finally:
        sources.dispose()
    missing = {e: keys - found.get(e, set()) for e, keys in planted.items()}
    assert not any(missing.values()), f"access misses planted rows: {missing}"

    # Registration reads the same characters: the odd spellings register as the canonical ones.
    odd = {kind: spellings(kind, value, 1) for kind, value in canonical.items()}
    assert parse_identifiers(odd).values == parse_identifiers(canonical).values

    request_id = _register("erasure", odd)
    loaded = tasks.load(request_id, "test")
    for system in loaded["systems"]:
        tasks.locate(request_id, system)
    tasks.plan(request_id, TODAY, NOW)
    tasks.carry_out(request_id, "Approve", "test")
    assert tasks.verify(request_id)["still_there"] == 0
    decisions = {
        (r.entity, r.record_key): r.decision
        for r in found_records.records(open_store(), request_id)
    }
    sources = SqlSources(policy)
    try:
        for entity, keys in planted.items():
            table = sources.table(entity)
            pk = table.c[policy.entity(entity).primary_key]
            for key in keys:
                assert (entity, key) in decisions, f"erasure did not find {entity}:{key}"
                with sources.engine(entity.split(".")[0]).connect() as conn:
                    typed = int(key) if isinstance(pk.type, sa.Integer) else key
                    still = conn.execute(sa.select(pk).where(pk == typed)).first()
                if decisions[(entity, key)] == "erase":
                    assert still is None, f"{entity}:{key} was to be erased but is still there"
                else:
                    assert decisions[(entity, key)] in ("retain", "forward"), decisions[
                        (entity, key)
                    ]
    finally:
        sources.dispose()
    assert any(d == "erase" for d in decisions.values())


def test_every_lookup_reads_its_expression_index(estate):
    """The query's expression is the same text as the index's, on either back end, so finding a
    person stays an index lookup whatever characters the expression removes."""
    from governance.policy import load_policy
    from governance.sources import SqlSources
    from governance.sources.lookup import identifier_index_ddl, lookup_expression

    policy = load_policy()
    sources = SqlSources(policy)
    checked = 0
    try:
        for system, source in sorted(policy.sources.items()):
            if system == "governance":
                continue
            engine = sources.engine(system)
            names = {index for index, _ in identifier_index_ddl(policy, system, engine)}
            for entity in source.entities.values():
                for column, spec in entity.identifier_columns().items():
                    if spec.identifier not in ("email", "phone", "personas_kods", "iban"):
                        continue
                    table = sources.table(
                        f"{system}.{next(n for n, e in source.entities.items() if e is entity)}"
                    )
                    query = sa.select(table.c[entity.primary_key]).where(
                        lookup_expression(spec.identifier, table.c[column]) == "29123456"
                    )
                    sql = str(
                        query.compile(
                            dialect=engine.dialect, compile_kwargs={"literal_binds": True}
                        )
                    )
                    with engine.connect() as conn:
                        if engine.dialect.name == "postgresql":
                            conn.exec_driver_sql("SET enable_seqscan = off")
                            plan = "\n".join(
                                r[0]
                                for r in conn.exec_driver_sql("EXPLAIN " + sql.replace("%", "%%"))
                            )
                        else:
                            plan = "\n".join(
                                str(r[-1])
                                for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
                            )
                    assert any(name in plan for name in names), (system, column, plan)
                    checked += 1
    finally:
        sources.dispose()
    assert checked >= 15
