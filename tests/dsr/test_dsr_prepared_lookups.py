"""The prepared index lookups locate runs: padded IN lists change nothing, the SQL is compiled
for the driver's parameter style, and a driver error names the source, never the values."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from conftest import identifiers_of  # at import: later, "conftest" is another folder's
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from governance.sources.prepared import IN_SIZES, in_params, in_size, in_values, prepare

ROWS = 600


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    engine = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('prepared') / 'p.db'}")
    metadata = sa.MetaData()
    table = sa.Table(
        "people",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.Text),
    )
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": i, "email": f"p{i}@x.lv"} for i in range(ROWS)])
    yield engine, table
    engine.dispose()


def test_in_size_picks_the_smallest_bucket_that_fits():
    assert [in_size(n) for n in (1, 2, 3, 5, 9, 17, 65, 257, 500)] == [
        1,
        2,
        4,
        8,
        16,
        64,
        256,
        500,
        500,
    ]
    with pytest.raises(ValueError, match="at most 500"):
        in_size(501)


def test_in_values_pads_with_the_last_value_and_names_an_empty_list():
    assert in_values("k", [3, 7], 4) == {"k_0": 3, "k_1": 7, "k_2": 7, "k_3": 7}
    with pytest.raises(ValueError, match="'k'"):
        in_values("k", [], 4)


def test_the_sql_follows_the_drivers_parameter_style():
    table = sa.table("t", sa.column("id"))
    statement = sa.select(table.c.id).where(table.c.id.in_(in_params("k", 2)))
    qmark = prepare(statement, sqlite.dialect())
    assert qmark.positions == ("k_0", "k_1") and "IN (?, ?)" in qmark.sql
    named = prepare(statement, postgresql.psycopg2.dialect())
    assert named.positions is None and "IN (%(k_0)s, %(k_1)s)" in named.sql


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=ROWS + 5), min_size=1, max_size=500))
def test_a_padded_lookup_returns_exactly_the_rows_asked_for(people, keys):
    engine, table = people
    size = in_size(len(keys))
    query = prepare(
        sa.select(table.c.id).where(table.c.id.in_(in_params("k", size))), engine.dialect
    )
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        found = [row[0] for row in query.rows(cursor, in_values("k", keys, size))]
    finally:
        connection.close()
    assert sorted(found) == sorted({k for k in keys if 0 <= k < ROWS})


def test_every_bucket_compiles_once_per_shape(people):
    engine, table = people
    texts = {
        prepare(
            sa.select(table.c.id).where(table.c.email.in_(in_params("v", size))), engine.dialect
        ).sql
        for size in IN_SIZES
        for _ in range(2)
    }
    assert len(texts) == len(IN_SIZES)


def test_a_source_failing_mid_locate_names_the_system_and_never_the_values(estate):
    from governance.dsr.identifiers import parse_identifiers
    from governance.dsr.locate import locate_in_system
    from governance.policy import load_policy
    from governance.sources import SourceUnavailable, SqlSources

    policy = load_policy()
    system, name = next(
        (s, n)
        for s, source in sorted(policy.sources.items())
        for n, entity in sorted(source.entities.items())
        if entity.identifier_columns() and s != "governance"
    )
    sources = SqlSources(policy)
    raw = identifiers_of(3)
    ids = parse_identifiers(raw)
    dbapi = sources.engine(system).dialect.loaded_dbapi
    try:
        assert locate_in_system(policy, sources, system, ids, mentions=False) is not None
        with sources.engine(system).begin() as conn:  # gone after the tables were reflected
            conn.exec_driver_sql(f"DROP TABLE {policy.sources[system].entities[name].table}")
        with pytest.raises(SourceUnavailable) as failed:
            locate_in_system(policy, sources, system, ids, mentions=False)
    finally:
        sources.dispose()
    message = str(failed.value)
    # The driver's own class for the error: OperationalError on SQLite, UndefinedTable (a
    # ProgrammingError) on PostgreSQL; either way a DB-API error of the source's driver.
    named = re.fullmatch(rf"source {system!r} failed while locating \((\w+)\)", message)
    assert named, message
    driver_classes = {**vars(dbapi), **vars(getattr(dbapi, "errors", dbapi))}
    assert issubclass(driver_classes[named.group(1)], dbapi.Error)
    for value in [*raw.values(), *ids.values.values()]:
        assert value not in message
    assert failed.value.__suppress_context__
