"""Carry out a request's plan in one source system: one transaction per system.

Erasure removes rows children first (the data map's links) and then their files; redaction
replaces the subject's identifiers inside free text; rectification writes the corrected values.
Every statement is keyed by primary key and parameterised, and repeating it is harmless, so a
re-run after a crash ends in the same state (rows already gone are simply not found again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from governance.dsr.identifiers import EXACT_KINDS, Identifiers
from governance.dsr.locate import mention_spans, typed_key
from governance.policy import Policy
from governance.sources import SqlSources
from governance.sources.graph import depth

_CHUNK = 500
REDACTED = "[dzēsts]"


@dataclass
class SystemResult:
    erased: int = 0
    files_removed: int = 0
    files_already_gone: int = 0  # a try killed before this system's commit had removed them
    redacted: int = 0
    rectified: int = 0
    done: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "erased": self.erased,
            "files_removed": self.files_removed,
            "files_already_gone": self.files_already_gone,
            "redacted": self.redacted,
            "rectified": self.rectified,
        }


def fetch_rows(
    conn: sa.Connection, sources: SqlSources, policy: Policy, qualified: str, keys: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The rows of ``qualified`` with these keys, by key (as text)."""
    table = sources.table(qualified)
    pk = table.c[policy.entity(qualified).primary_key]
    result: dict[str, dict[str, Any]] = {}
    keys = list(keys)
    for start in range(0, len(keys), _CHUNK):
        chunk = [typed_key(sources, policy, qualified, k) for k in keys[start : start + _CHUNK]]
        for row in conn.execute(sa.select(table).where(pk.in_(chunk))):
            mapping = dict(row._mapping)
            result[str(mapping[pk.name])] = mapping
    return result


def redact_text(text: str, ids: Identifiers) -> str:
    """``text`` with every mention of the subject's e-mail, phone, personas kods and IBAN
    replaced, as whole tokens the recognisers confirm (any spelling: obfuscated e-mails, phones
    in any grouping, codes with any separator); nobody else's text is touched (an address that
    contains theirs, a tracking number holding the phone's digits)."""
    wanted = [(kind, ids.get(kind)) for kind in EXACT_KINDS if ids.get(kind)]
    for start, end in reversed(_merged(mention_spans(text, wanted))):
        text = text[:start] + REDACTED + text[end:]
    return text


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def carry_out_system(
    policy: Policy,
    sources: SqlSources,
    system: str,
    plan: Iterable[tuple[str, str, str]],
    *,
    ids: Identifiers,
    corrections: Identifiers,
) -> SystemResult:
    """Apply ``(entity, key, decision)`` items of one system in one transaction."""
    by_entity: dict[str, dict[str, list[str]]] = {}
    for entity, key, decision in plan:
        by_entity.setdefault(entity, {}).setdefault(decision, []).append(key)
    result = SystemResult()
    root = sources.files_root(system)
    with sources.engine(system).begin() as conn:
        for entity in sorted(by_entity, key=lambda e: depth(policy, e)):
            table = sources.table(entity)
            model = policy.entity(entity)
            pk = table.c[model.primary_key]
            items = by_entity[entity]
            erase = items.get("erase", [])
            if erase:
                file_columns = [c for c, col in model.columns.items() if col.file]
                rows = fetch_rows(conn, sources, policy, entity, erase)
                # Files before rows: a crash in between leaves rows whose files are gone (the
                # re-run deletes them), never an orphan file that nothing would find again.
                for row in rows.values():
                    for relative in (row[c] for c in file_columns if row.get(c)):
                        target = root / relative if root is not None else None
                        if target is not None and target.exists():
                            target.unlink()
                            result.files_removed += 1
                        elif target is not None:
                            result.files_already_gone += 1
                for start in range(0, len(erase), _CHUNK):
                    chunk = [
                        typed_key(sources, policy, entity, k) for k in erase[start : start + _CHUNK]
                    ]
                    result.erased += conn.execute(sa.delete(table).where(pk.in_(chunk))).rowcount
                result.done += [(entity, k) for k in erase]
            redact = items.get("redact", [])
            if redact:
                text_columns = [c for c, col in model.columns.items() if col.free_text]
                for key, row in fetch_rows(conn, sources, policy, entity, redact).items():
                    changes = {
                        c: redact_text(row[c], ids)
                        for c in text_columns
                        if isinstance(row.get(c), str) and redact_text(row[c], ids) != row[c]
                    }
                    if changes:
                        conn.execute(
                            sa.update(table)
                            .where(pk == typed_key(sources, policy, entity, key))
                            .values(**changes)
                        )
                        result.redacted += 1
                result.done += [(entity, k) for k in redact]
            rectify = items.get("rectify", [])
            if rectify:
                values = _corrected_values(model.identifier_columns(), corrections.values)
                for start in range(0, len(rectify), _CHUNK):
                    chunk = [
                        typed_key(sources, policy, entity, k)
                        for k in rectify[start : start + _CHUNK]
                    ]
                    if values:
                        result.rectified += conn.execute(
                            sa.update(table).where(pk.in_(chunk)).values(**values)
                        ).rowcount
                result.done += [(entity, k) for k in rectify]
    return result


def _corrected_values(
    identifier_columns: Mapping[str, Any], corrections: Mapping[str, str]
) -> dict[str, str]:
    return {
        name: corrections[column.identifier]
        for name, column in identifier_columns.items()
        if column.identifier in corrections
    }
