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
from governance.sources.graph import dependants, depth
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
    """Best hit per record: exact beats linked beats possible beats mention.

    Kept per entity as ``key -> (rank, vias)``, so following links reads one entity's hits
    and nothing is built per hit until the end (a common name can match hundreds of rows)."""

    def __init__(self) -> None:
        self.by_entity: dict[str, dict[object, tuple[int, list[str]]]] = {}

    def add(self, entity: str, key: object, match: str, via: str) -> None:
        rows = self.by_entity.setdefault(entity, {})
        rank = MATCH_ORDER[match]
        current = rows.get(key)
        if current is None or rank < current[0]:
            rows[key] = (rank, [via])
        elif rank == current[0] and via not in current[1]:
            current[1].append(via)

    def keys(self, entity: str, matches: Iterable[str]) -> list[object]:
        wanted = {MATCH_ORDER[m] for m in matches}
        return [key for key, (rank, _) in self.by_entity.get(entity, {}).items() if rank in wanted]

    def found(self) -> list[Found]:
        names = {rank: name for name, rank in MATCH_ORDER.items()}
        return sorted(
            (
                Found(entity, str(key), names[rank], "+".join(vias))
                for entity, rows in self.by_entity.items()
                for key, (rank, vias) in rows.items()
            ),
            key=lambda f: (f.entity, MATCH_ORDER[f.match], f.key),
        )


def locate_in_system(
    policy: Policy, sources: SqlSources, system: str, ids: Identifiers, *, mentions: bool = True
) -> list[Found]:
    """Every record of ``system`` that concerns the subject, with how it was found.

    ``mentions=False`` skips the free-text search, the one part that scans (a substring has no
    index); the benchmark times the two parts apart."""
    hits = _Hits()
    engine = sources.engine(system)
    entities = sorted(policy.sources[system].entities.items())
    with engine.connect() as conn:
        for name, entity in entities:
            qualified = f"{system}.{name}"
            table = sources.table(qualified)
            pk = table.c[entity.primary_key]
            _identified(conn, sources, hits, qualified, table, pk, entity.identifier_columns(), ids)
            if mentions:
                free_text = [c for c, col in entity.columns.items() if col.free_text]
                _mentions(conn, hits, qualified, table, pk, free_text, ids)
        _follow_links(conn, policy, sources, hits, system)
    return hits.found()


def _identified(
    conn, sources: SqlSources, hits, qualified, table, pk, identifier_columns, ids: Identifiers
) -> None:
    """Exact identifiers and name variants of one entity in one round trip: a UNION ALL of
    index lookups (each branch uses its own lookup index). The statement is built once per
    entity and set of identifier kinds, then only its parameters change."""
    exact = tuple(
        (column_name, column.identifier)
        for column_name, column in identifier_columns.items()
        if column.identifier in EXACT_KINDS and ids.get(column.identifier)
    )
    name_columns = tuple(
        c for c, col in identifier_columns.items() if col.identifier == "name" and ids.get("name")
    )
    address_columns = tuple(
        c for c, col in identifier_columns.items() if col.identifier == "address"
    )
    with_address = bool(ids.get("address") and address_columns and name_columns)
    if not exact and not name_columns:
        return
    cache_key = (qualified, exact, name_columns, with_address)
    query = sources.statements.get(cache_key)
    if query is None:
        query = _identified_statement(table, pk, exact, name_columns, address_columns, with_address)
        sources.statements[cache_key] = query
    params = {f"v_{column}": lookup_values(kind, ids.get(kind)) for column, kind in exact}
    if name_columns:
        params["v_name"] = lookup_values("name", ids.get("name"))
    if with_address:
        params["v_address"] = lookup_values("address", ids.get("address"))
    for key, via in conn.execute(query, params):
        hits.add(qualified, key, "possible" if via.startswith("name") else "exact", via)


def _identified_statement(table, pk, exact, name_columns, address_columns, with_address):
    branches = [
        sa.select(pk.label("key"), sa.literal_column(f"'{kind}'").label("via")).where(
            lookup_expression(kind, table.c[column]).in_(
                sa.bindparam(f"v_{column}", expanding=True)
            )
        )
        for column, kind in exact
    ]
    for column in name_columns:
        via: sa.ColumnElement = sa.literal_column("'name'")
        if with_address:
            same = sa.or_(
                *[
                    table.c[c].in_(sa.bindparam("v_address", expanding=True))
                    for c in address_columns
                ]
            )
            via = sa.case(
                (same, sa.literal_column("'name+address'")), else_=sa.literal_column("'name'")
            )
        branches.append(
            sa.select(pk.label("key"), via.label("via")).where(
                table.c[column].in_(sa.bindparam("v_name", expanding=True))
            )
        )
    return branches[0] if len(branches) == 1 else sa.union_all(*branches)


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


def _follow_links(conn, policy: Policy, sources: SqlSources, hits: _Hits, system: str) -> None:
    """Rows that hang off found rows, parents before children, so a grandchild sees its
    parent's hits: exact -> linked, linked -> linked, possible -> possible."""
    names = sorted(policy.sources[system].entities, key=lambda n: -depth(policy, f"{system}.{n}"))
    for name in names:
        parent = f"{system}.{name}"
        for dependant in dependants(policy, parent):
            parent_table = sources.table(parent)
            parent_pk = parent_table.c[policy.entity(parent).primary_key]
            child_table = sources.table(dependant.child)
            child_pk = child_table.c[policy.entity(dependant.child).primary_key]
            fk = child_table.c[dependant.fk_column]
            cache_key = ("link", parent, dependant.child, dependant.fk_column)
            query = sources.statements.get(cache_key)
            if query is None:
                keys_param = sa.bindparam("keys", expanding=True)
                if dependant.parent_column == parent_pk.name:
                    condition = fk.in_(keys_param)
                else:
                    condition = fk.in_(
                        sa.select(parent_table.c[dependant.parent_column]).where(
                            parent_pk.in_(keys_param)
                        )
                    )
                query = sa.select(child_pk).where(condition)
                sources.statements[cache_key] = query
            for child_match, parent_matches in (
                ("linked", ("exact", "linked")),
                ("possible", ("possible",)),
            ):
                keys = hits.keys(parent, parent_matches)
                for start in range(0, len(keys), _CHUNK):
                    chunk = keys[start : start + _CHUNK]  # as the database returned them
                    for (key,) in conn.execute(query, {"keys": chunk}):
                        hits.add(dependant.child, key, child_match, f"link:{name}")


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
