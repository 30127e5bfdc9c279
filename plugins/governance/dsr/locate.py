"""Find one subject's records in one source system, by the data map.

Three kinds of hit, in order of trust:

* **exact**: an identifier column (e-mail, phone, personas kods, IBAN) equals one of the
  subject's, compared through :mod:`governance.sources.lookup` (index lookups);
* **linked**: a row that hangs off an exact hit by a link of the data map (a customer's
  lockers and billing, a candidate's CV file);
* **possible**: matched only by name (and perhaps address), or linked to such a row. Never used
  without the DPO's approval: two people can share a name;
* **mention**: the subject's e-mail, phone or personas kods inside a declared free-text column
  of someone else's record. Shown to the DPO, redacted on erasure only with approval.

SQL is parameterised throughout; values never reach a log or an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from governance.dsr.identifiers import EXACT_KINDS, Identifiers
from governance.policy import Policy
from governance.sources import SqlSources
from governance.sources.graph import dependants
from governance.sources.lookup import lookup_expression, lookup_values, mention_needles

MATCH_ORDER = {"exact": 0, "linked": 1, "possible": 2, "mention": 3}
_CHUNK = 500


@dataclass(frozen=True)
class Found:
    """One record a request found: where it is and why it counts (no content)."""

    entity: str  # qualified 'system.entity'
    key: str
    match: str
    via: str

    @property
    def system(self) -> str:
        return self.entity.split(".", 1)[0]


def _like_escape(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _Hits:
    """Best hit per record: exact beats linked beats possible beats mention."""

    def __init__(self) -> None:
        self.by_record: dict[tuple[str, str], Found] = {}

    def add(self, entity: str, key: object, match: str, via: str) -> None:
        record = (entity, str(key))
        current = self.by_record.get(record)
        if current is None or MATCH_ORDER[match] < MATCH_ORDER[current.match]:
            self.by_record[record] = Found(entity, str(key), match, via)
        elif MATCH_ORDER[match] == MATCH_ORDER[current.match] and via not in current.via.split("+"):
            self.by_record[record] = Found(entity, str(key), match, f"{current.via}+{via}")

    def keys(self, entity: str, matches: Iterable[str]) -> list[str]:
        wanted = set(matches)
        return [f.key for (e, _), f in self.by_record.items() if e == entity and f.match in wanted]


def locate_in_system(
    policy: Policy, sources: SqlSources, system: str, ids: Identifiers
) -> list[Found]:
    """Every record of ``system`` that concerns the subject, with how it was found."""
    hits = _Hits()
    engine = sources.engine(system)
    entities = sorted(policy.sources[system].entities.items())
    with engine.connect() as conn:
        for name, entity in entities:
            qualified = f"{system}.{name}"
            table = sources.table(qualified)
            pk = table.c[entity.primary_key]
            _exact(conn, hits, qualified, table, pk, entity.identifier_columns(), ids)
            _possible(conn, hits, qualified, table, pk, entity.identifier_columns(), ids)
            free_text = [c for c, col in entity.columns.items() if col.free_text]
            _mentions(conn, hits, qualified, table, pk, free_text, ids)
        for name, _ in entities:
            _follow_links(conn, policy, sources, hits, f"{system}.{name}")
    return sorted(hits.by_record.values(), key=lambda f: (f.entity, MATCH_ORDER[f.match], f.key))


def _exact(conn, hits, qualified, table, pk, identifier_columns, ids: Identifiers) -> None:
    for column_name, column in identifier_columns.items():
        kind = column.identifier
        value = ids.get(kind) if kind in EXACT_KINDS else None
        if not value:
            continue
        expression = lookup_expression(kind, table.c[column_name])
        query = sa.select(pk).where(expression.in_(lookup_values(kind, value)))
        for (key,) in conn.execute(query):
            hits.add(qualified, key, "exact", kind)


def _possible(conn, hits, qualified, table, pk, identifier_columns, ids: Identifiers) -> None:
    name = ids.get("name")
    if not name:
        return
    name_columns = [c for c, col in identifier_columns.items() if col.identifier == "name"]
    address_columns = [c for c, col in identifier_columns.items() if col.identifier == "address"]
    address = ids.get("address")
    for column_name in name_columns:
        wanted = [pk]
        if address and address_columns:
            wanted += [table.c[c] for c in address_columns]
        query = sa.select(*wanted).where(table.c[column_name].in_(lookup_values("name", name)))
        address_forms = set(lookup_values("address", address)) if address else set()
        for row in conn.execute(query):
            same_address = any(value in address_forms for value in row[1:] if value)
            hits.add(qualified, row[0], "possible", "name+address" if same_address else "name")


def _mentions(conn, hits, qualified, table, pk, free_text: Sequence[str], ids: Identifiers) -> None:
    needles = [
        needle
        for kind in ("email", "personas_kods", "phone", "iban")
        if ids.get(kind)
        for needle in mention_needles(kind, ids.get(kind))
    ]
    if not needles or not free_text:
        return
    for column_name in free_text:
        column = sa.func.lower(table.c[column_name])
        condition = sa.or_(
            *[column.like(f"%{_like_escape(n.lower())}%", escape="\\") for n in needles]
        )
        for (key,) in conn.execute(sa.select(pk).where(condition)):
            hits.add(qualified, key, "mention", column_name)


def _follow_links(conn, policy: Policy, sources: SqlSources, hits: _Hits, parent: str) -> None:
    """Rows that hang off found rows, recursively, inheriting exact -> linked, possible -> possible."""
    for dependant in dependants(policy, parent):
        for parent_match, child_match in (
            ("exact", "linked"),
            ("linked", "linked"),
            ("possible", "possible"),
        ):
            keys = hits.keys(parent, [parent_match])
            if not keys:
                continue
            parent_table = sources.table(parent)
            child_table = sources.table(dependant.child)
            child_pk = child_table.c[policy.entity(dependant.child).primary_key]
            fk = child_table.c[dependant.fk_column]
            parent_column = parent_table.c[dependant.parent_column]
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                parent_values = sa.select(parent_column).where(
                    parent_table.c[policy.entity(parent).primary_key].in_(
                        [_typed(parent_table, policy, parent, k) for k in chunk]
                    )
                )
                for (key,) in conn.execute(sa.select(child_pk).where(fk.in_(parent_values))):
                    hits.add(dependant.child, key, child_match, f"link:{parent.split('.', 1)[1]}")
        _follow_links(conn, policy, sources, hits, dependant.child)


def _typed(table: sa.Table, policy: Policy, qualified: str, key: str) -> object:
    """A stored key (text) back in the primary key column's Python type."""
    column = table.c[policy.entity(qualified).primary_key]
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return key
    return python_type(key) if python_type is int else key


def typed_key(sources: SqlSources, policy: Policy, qualified: str, key: str) -> object:
    return _typed(sources.table(qualified), policy, qualified, key)
