"""Restore one archived set into its live system: the admin's way back from an ``archive`` rule.

Rows go back parents first, then the rows that hung off them, then their files. A row whose
primary key is already present is skipped, so a set archived twice by a crashed-and-resumed sweep,
or restored twice, ends in the same state. The restore itself is a ledger entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from governance.archive.store import ArchiveStore
from governance.audit.ledger import Ledger
from governance.policy import Policy
from governance.sources import SqlSources


@dataclass(frozen=True)
class RestoreCounts:
    rows: int = 0
    dependants: int = 0
    skipped: int = 0
    files: int = 0


def _insert_missing(
    conn: sa.Connection, table: sa.Table, pk: str, rows: list[dict]
) -> tuple[int, int]:
    inserted = skipped = 0
    for row in rows:
        exists = conn.execute(sa.select(table.c[pk]).where(table.c[pk] == row[pk])).first()
        if exists:
            skipped += 1
            continue
        conn.execute(sa.insert(table).values(**{k: v for k, v in row.items() if k in table.c}))
        inserted += 1
    return inserted, skipped


def restore_set(
    policy: Policy, store: ArchiveStore, set_id: str, *, actor: str, ledger: Ledger | None = None
) -> RestoreCounts:
    sources = SqlSources(policy)
    totals = {"rows": 0, "dependants": 0, "skipped": 0, "files": 0}
    entity = None
    try:
        for batch in store.read_batches(set_id):
            entity = batch.entity
            system = entity.split(".")[0]
            with sources.engine(system).begin() as conn:
                pk = policy.entity(entity).primary_key
                done, skipped = _insert_missing(conn, sources.table(entity), pk, batch.rows)
                totals["rows"] += done
                totals["skipped"] += skipped
                for child, rows in batch.children.items():
                    child_pk = policy.entity(child).primary_key
                    done, skipped = _insert_missing(conn, sources.table(child), child_pk, rows)
                    totals["dependants"] += done
                    totals["skipped"] += skipped
            root = sources.files_root(system)
            if root is not None:
                for relative, content in batch.files.items():
                    target = root / relative
                    if not target.exists():
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(content)
                        totals["files"] += 1
    finally:
        sources.dispose()
    if ledger is not None:
        ledger.append(
            "archive_restored",
            actor,
            counts=totals,
            policy_version=policy.version,
            detail={"archive_set": set_id, "entity": entity},
        )
    return RestoreCounts(**totals)
