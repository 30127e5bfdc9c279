"""Find one subject's records in one source system, by the data map.

Three kinds of hit, in order of trust:

* **exact**: an identifier column (e-mail, phone, personas kods, IBAN) equals one of the
  subject's, compared through :mod:`governance.sources.lookup` (index lookups);
* **linked**: a row that hangs off an exact hit by a link of the data map (a customer's
  lockers and billing, a candidate's CV file);
* **possible**: matched only by name (and perhaps address), or linked to such a row. Never used
  without the DPO's approval: two people can share a name;
* **mention**: the subject's e-mail, phone, personas kods or IBAN, as a whole token the
  recognisers confirm, inside a declared free-text column of someone else's record. Shown to
  the DPO, redacted on erasure only with approval.

SQL is parameterised throughout; values never reach a log or an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa

from governance.dsr.identifiers import EXACT_KINDS, Identifiers
from governance.identity import kinds as identifier_kinds
from governance.policy import Policy
from governance.sources import SourceUnavailable, SqlSources
from governance.sources.graph import dependants, depth
from governance.sources.lookup import lookup_expression, lookup_values
from governance.sources.prepared import in_params, in_size, in_values, prepare

MATCH_ORDER = {"exact": 0, "linked": 1, "possible": 2, "mention": 3}
_MATCH_NAMES = {rank: name for name, rank in MATCH_ORDER.items()}
_CHUNK = 500


class Found(NamedTuple):
    """One record a request found: where it is and why it counts (no content).

    A named tuple, not a dataclass: a common name finds hundreds of records per subject, and
    building them was a measurable part of locating at a million subjects."""

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

    Kept per entity as ``key -> rank`` and ``key -> via``, plain ints and strings: a common
    name matches hundreds of rows, and a container per hit kept Python's garbage collector
    busy (it was a third of locating at a million subjects). A record reached the same way
    twice keeps every way in ``ties`` (rare)."""

    def __init__(self) -> None:
        self.ranks: dict[str, dict[object, int]] = {}
        self.vias: dict[str, dict[object, str]] = {}
        self.ties: dict[tuple[str, object], list[str]] = {}

    def add(self, entity: str, key: object, match: str, via: str) -> None:
        self.add_keys(entity, (key,), match, via)

    def add_keys(self, entity: str, keys: Iterable[object], match: str, via: str) -> None:
        ranks = self.ranks.setdefault(entity, {})
        vias = self.vias.setdefault(entity, {})
        rank = MATCH_ORDER[match]
        for key in keys:
            current = ranks.get(key)
            if current is None or rank < current:
                ranks[key] = rank
                vias[key] = via
                self.ties.pop((entity, key), None)
            elif rank == current and via != vias[key]:
                ways = self.ties.setdefault((entity, key), [vias[key]])
                if via not in ways:
                    ways.append(via)

    def keys(self, entity: str, matches: Iterable[str]) -> list[object]:
        wanted = {MATCH_ORDER[m] for m in matches}
        return [key for key, rank in self.ranks.get(entity, {}).items() if rank in wanted]

    def found(self) -> list[Found]:
        """Per entity (sorted), in the order the database returned the records: whoever
        reads them back sorts (the store orders by entity and key), so no sort here."""
        make = Found._make
        names = _MATCH_NAMES
        out: list[Found] = []
        for entity in sorted(self.ranks):
            vias = self.vias[entity]
            if self.ties:
                tied = {k: "+".join(w) for (e, k), w in self.ties.items() if e == entity}
                vias = {**vias, **tied}
            out.extend(
                make((entity, str(key), names[rank], vias[key]))
                for key, rank in self.ranks[entity].items()
            )
        return out


@dataclass(frozen=True)
class _EntityPlan:
    qualified: str
    primary_key: str
    exact: tuple[tuple[str, str], ...]  # (column, identifier kind)
    names: tuple[str, ...]
    addresses: tuple[str, ...]
    free_text: tuple[str, ...]


@dataclass(frozen=True)
class _LinkPlan:
    parent: str
    child: str
    fk_column: str
    parent_column: str
    via: str


@dataclass(frozen=True)
class _SystemPlan:
    """What locating in one system reads, worked out from the data map once per sources."""

    entities: tuple[_EntityPlan, ...]
    links: tuple[_LinkPlan, ...]  # parents before their children


def _system_plan(policy: Policy, sources: SqlSources, system: str) -> _SystemPlan:
    key = ("locate-plan", system)
    plan = sources.statements.get(key)
    if plan is None:
        entities = []
        for name, entity in sorted(policy.sources[system].entities.items()):
            columns = entity.identifier_columns()
            entities.append(
                _EntityPlan(
                    qualified=f"{system}.{name}",
                    primary_key=entity.primary_key,
                    exact=tuple(
                        (c, col.identifier)
                        for c, col in columns.items()
                        if col.identifier in EXACT_KINDS
                    ),
                    names=tuple(c for c, col in columns.items() if col.identifier == "name"),
                    addresses=tuple(c for c, col in columns.items() if col.identifier == "address"),
                    free_text=tuple(c for c, col in entity.columns.items() if col.free_text),
                )
            )
        order = sorted(
            policy.sources[system].entities, key=lambda n: -depth(policy, f"{system}.{n}")
        )
        links = tuple(
            _LinkPlan(f"{system}.{name}", d.child, d.fk_column, d.parent_column, f"link:{name}")
            for name in order
            for d in dependants(policy, f"{system}.{name}")
        )
        plan = sources.statements[key] = _SystemPlan(tuple(entities), links)
    return plan


def locate_in_system(
    policy: Policy, sources: SqlSources, system: str, ids: Identifiers, *, mentions: bool = True
) -> list[Found]:
    """Every record of ``system`` that concerns the subject, with how it was found.

    ``mentions=False`` skips the free-text search, the one part that scans (a substring has no
    index); the benchmark times the two parts apart. The index lookups run as statements
    prepared once (see :mod:`governance.sources.prepared`); a driver error names the system and
    the error class only, never the statement or its values."""
    hits = _Hits()
    plan = _system_plan(policy, sources, system)
    engine = sources.engine(system)
    for entity in plan.entities:
        sources.table(entity.qualified)  # reflect first: an unreachable source fails here
    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        cursor = sources.reader(system).cursor()  # autocommit, held while ``sources`` lives
        try:
            for entity in plan.entities:
                _identified(cursor, engine.dialect, sources, hits, entity, ids)
            _follow_links(cursor, engine.dialect, sources, hits, plan.links)
        finally:
            cursor.close()
    except (dbapi_error, sa.exc.DBAPIError) as exc:
        sources.drop_reader(system)
        error = type(getattr(exc, "orig", None) or exc).__name__
        raise SourceUnavailable(f"source {system!r} failed while locating ({error})") from None
    if mentions:
        with engine.connect() as conn:
            for entity in plan.entities:
                if entity.free_text:
                    table = sources.table(entity.qualified)
                    pk = table.c[entity.primary_key]
                    _mentions(conn, hits, entity.qualified, table, pk, entity.free_text, ids)
    return hits.found()


def _identified(
    cursor, dialect, sources: SqlSources, hits: _Hits, entity: _EntityPlan, ids
) -> None:
    """Exact identifiers and name variants of one entity in one round trip: a UNION ALL of
    index lookups (each branch uses its own lookup index)."""
    values: dict[str, list[str]] = {
        f"v_{column}": lookup_values(kind, ids.get(kind))
        for column, kind in entity.exact
        if ids.get(kind)
    }
    exact = tuple((column, kind) for column, kind in entity.exact if f"v_{column}" in values)
    names = entity.names if ids.get("name") else ()
    if names:
        values["v_name"] = lookup_values("name", ids.get("name"))
    with_address = bool(ids.get("address") and entity.addresses and names)
    if with_address:
        values["v_address"] = lookup_values("address", ids.get("address"))
    if not exact and not names:
        return
    sizes = tuple((name, in_size(len(v))) for name, v in values.items())
    cache_key = ("identified", entity.qualified, exact, names, with_address, sizes)
    query = sources.statements.get(cache_key)
    if query is None:
        table = sources.table(entity.qualified)
        statement = _identified_statement(
            table, table.c[entity.primary_key], exact, names, entity.addresses, dict(sizes)
        )
        query = sources.statements[cache_key] = prepare(statement, dialect)
    params: dict[str, object] = {}
    for name, size in sizes:
        params.update(in_values(name, values[name], size))
    by_via: dict[str, list[object]] = {}
    for key, via in query.rows(cursor, params):
        by_via.setdefault(via, []).append(key)
    for via, keys in by_via.items():
        hits.add_keys(
            entity.qualified, keys, "possible" if via.startswith("name") else "exact", via
        )


def _identified_statement(table, pk, exact, names, address_columns, sizes: dict[str, int]):
    branches = [
        sa.select(pk.label("key"), sa.literal_column(f"'{kind}'").label("via")).where(
            lookup_expression(kind, table.c[column]).in_(
                in_params(f"v_{column}", sizes[f"v_{column}"])
            )
        )
        for column, kind in exact
    ]
    for column in names:
        via: sa.ColumnElement = sa.literal_column("'name'")
        if "v_address" in sizes:
            same = sa.or_(
                *[
                    table.c[c].in_(in_params("v_address", sizes["v_address"]))
                    for c in address_columns
                ]
            )
            via = sa.case(
                (same, sa.literal_column("'name+address'")), else_=sa.literal_column("'name'")
            )
        branches.append(
            sa.select(pk.label("key"), via.label("via")).where(
                table.c[column].in_(in_params("v_name", sizes["v_name"]))
            )
        )
    return branches[0] if len(branches) == 1 else sa.union_all(*branches)


def _mentions(conn, hits, qualified, table, pk, free_text: Sequence[str], ids: Identifiers) -> None:
    """Records whose free text mentions the subject's exact identifiers. A ``LIKE`` on each
    kind's needles pre-selects (an index on PostgreSQL); each candidate is then confirmed by the
    recognisers as a whole e-mail, phone, personas kods or IBAN equal to the subject's, so an
    address that merely contains theirs (``xjanis@inbox.lv``) or a tracking number holding the
    phone's digits is not a mention."""
    wanted = [(kind, ids.get(kind)) for kind in EXACT_KINDS if ids.get(kind)]
    needles = [
        needle for kind, value in wanted for needle in identifier_kinds.get(kind).mention_needles(value)
    ]
    if not needles or not free_text:
        return
    for column_name in free_text:
        column = sa.func.lower(table.c[column_name])
        condition = sa.or_(
            *[column.like(f"%{_like_escape(n.lower())}%", escape="\\") for n in needles]
        )
        for key, text in conn.execute(sa.select(pk, table.c[column_name]).where(condition)):
            if isinstance(text, str) and mention_spans(text, wanted):
                hits.add(qualified, key, "mention", column_name)


def mention_spans(text: str, wanted: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
    """Spans of ``text`` that are one of the ``(kind, normalised value)`` identifiers."""
    return sorted(
        span for kind, value in wanted for span in identifier_kinds.get(kind).mention_spans(value, text)
    )


def _follow_links(cursor, dialect, sources: SqlSources, hits: _Hits, links) -> None:
    """Rows that hang off found rows, parents before children, so a grandchild sees its
    parent's hits: exact -> linked, linked -> linked, possible -> possible."""
    for link in links:
        for child_match, parent_matches in (
            ("linked", ("exact", "linked")),
            ("possible", ("possible",)),
        ):
            keys = hits.keys(link.parent, parent_matches)
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]  # as the database returned them
                size = in_size(len(chunk))
                query = _link_statement(dialect, sources, link, size)
                rows = query.rows(cursor, in_values("keys", chunk, size))
                hits.add_keys(link.child, [row[0] for row in rows], child_match, link.via)


def _link_statement(dialect, sources: SqlSources, link: _LinkPlan, size: int):
    cache_key = ("link", link.parent, link.child, link.fk_column, size)
    query = sources.statements.get(cache_key)
    if query is None:
        parent_table = sources.table(link.parent)
        parent_pk = parent_table.c[sources.policy.entity(link.parent).primary_key]
        child_table = sources.table(link.child)
        child_pk = child_table.c[sources.policy.entity(link.child).primary_key]
        fk = child_table.c[link.fk_column]
        keys = in_params("keys", size)
        if link.parent_column == parent_pk.name:
            condition = fk.in_(keys)
        else:
            condition = fk.in_(
                sa.select(parent_table.c[link.parent_column]).where(parent_pk.in_(keys))
            )
        query = sources.statements[cache_key] = prepare(
            sa.select(child_pk).where(condition), dialect
        )
    return query


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
