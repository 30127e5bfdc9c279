"""The persons an anonymised record links to, so their names and addresses are scrubbed from
its free text and checked for by the gate (a helpdesk message -> its contact's name).

The data map says it: the rule's entity links (``links: [{column: contact_id, to:
contacts.id}]``) to entities whose columns are marked ``identifier: name`` or ``address``. The
scrub and the gate read the same persons: every person of those entities (their distinct
names and addresses, streamed), so a message that names another contact is caught too, and
the gate checks exactly what the scrub removed. Memory is the distinct name and street forms
(:class:`~governance.identity.recognisers.People`), not the rows.
"""

from __future__ import annotations

import sqlalchemy as sa

from governance.identity.recognisers import People
from governance.policy import Policy

#: Distinct names read from the database per round trip.
BATCH = 5000


def linked_people_tables(policy: Policy, entity: str) -> list[dict[str, list[str] | str]]:
    """``[{"table": t, "names": [...], "addresses": [...]}]`` for the entities ``entity`` links
    to in its own system that hold names or addresses (table and column names only)."""
    system = entity.split(".", 1)[0]
    model = policy.entity(entity)
    out: list[dict[str, list[str] | str]] = []
    seen: set[str] = set()
    for link in model.links:
        parts = link.to.split(".")
        if len(parts) == 2:
            target = f"{system}.{parts[0]}"
        elif len(parts) == 3 and parts[0] == system:
            target = f"{parts[0]}.{parts[1]}"
        else:
            continue  # another system: not readable through this connection
        if target in seen:
            continue
        seen.add(target)
        linked = policy.entity(target)
        names = sorted(c for c, col in linked.columns.items() if col.identifier == "name")
        addresses = sorted(c for c, col in linked.columns.items() if col.identifier == "address")
        if names or addresses:
            out.append({"table": linked.table, "names": names, "addresses": addresses})
    return out


def read_people(conn: sa.Connection, tables: list[dict[str, list[str] | str]]) -> People:
    """The persons of ``tables``: each name and address column's distinct values, streamed."""
    people = People()
    for source in tables:
        for kind in ("names", "addresses"):
            add = people.add_name if kind == "names" else people.add_address
            for column in source.get(kind, ()):  # type: ignore[union-attr]
                query = (
                    sa.select(sa.column(column))
                    .select_from(sa.table(str(source["table"])))
                    .where(sa.column(column).is_not(None))
                    .distinct()
                )
                for (value,) in conn.execution_options(yield_per=BATCH).execute(query):
                    add(value)
    return people


def linked_people(policy: Policy, engine: sa.Engine, entity: str) -> People:
    """Every person ``entity``'s rows link to (for a sweep's scrub)."""
    tables = linked_people_tables(policy, entity)
    with engine.connect() as conn:
        return read_people(conn, tables)
