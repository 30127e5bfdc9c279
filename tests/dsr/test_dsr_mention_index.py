"""The mention search in free-text columns: a trigram index on PostgreSQL, a scan on SQLite,
and the same records found either way."""

from __future__ import annotations

import sqlalchemy as sa
from conftest import person

from governance.dsr.identifiers import parse_identifiers
from governance.dsr.locate import locate_in_system
from governance.policy import load_policy
from governance.sources import SqlSources
from governance.sources.lookup import ensure_lookup_indexes, mention_index_ddl


def _free_text_columns(policy) -> list[tuple[str, str, str]]:
    return [
        (system, entity.table, name)
        for system, source in sorted(policy.sources.items())
        for entity in source.entities.values()
        for name, column in entity.columns.items()
        if column.free_text and system != "governance"
    ]


def test_mention_indexes_exist_on_postgresql_only_and_the_planner_uses_them(estate):
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        columns = _free_text_columns(policy)
        assert columns, "the data map declares free-text columns"
        for system, table, column in columns:
            engine = sources.engine(system)
            names = {index for index, _ in mention_index_ddl(policy, system, engine)}
            if engine.dialect.name != "postgresql":
                assert names == set()
                continue
            index = f"ix_mention_{table}_{column}"[:63]
            assert index in names
            assert ensure_lookup_indexes(policy, engine, system) == 0, "already there: idempotent"
            with engine.connect() as conn:
                definition = conn.execute(
                    sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :i"), {"i": index}
                ).scalar_one()
                assert "gin_trgm_ops" in definition and f"lower({column})" in definition
                conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: force the choice
                plan = "\n".join(
                    row[0]
                    for row in conn.exec_driver_sql(
                        f"EXPLAIN SELECT 1 FROM {table} WHERE lower({column}) LIKE '%%abc%%'"
                    )
                )
                assert index in plan, plan
    finally:
        sources.dispose()


def test_a_planted_mention_is_found_on_either_back_end(estate):
    """Someone else's helpdesk message that quotes the subject's e-mail (in capitals) is a
    mention, found through the index on PostgreSQL and by the scan on SQLite alike."""
    policy = load_policy()
    qualified, column = "helpdesk.messages", "body"
    someone = person(5)
    ids = parse_identifiers({"email": someone.email})
    sources = SqlSources(policy)
    try:
        own = {f.key for f in locate_in_system(policy, sources, "helpdesk", ids)}
        engine = sources.engine("helpdesk")
        with engine.begin() as conn:
            keys = [str(k) for (k,) in conn.execute(sa.text("SELECT id FROM messages ORDER BY id"))]
            key = next(k for k in keys if k not in own)
            conn.execute(
                sa.text("UPDATE messages SET body = :text WHERE id = :k"),
                {"text": f"Please write to {someone.email.upper()} about it.", "k": int(key)},
            )
        found = {
            (f.entity, f.key, f.match, f.via)
            for f in locate_in_system(policy, sources, "helpdesk", ids)
        }
    finally:
        sources.dispose()
    assert (qualified, key, "mention", column) in found
