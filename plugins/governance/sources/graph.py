"""The data map as a graph: which rows hang off which, so related data goes together.

A link ``{column: c, to: parent.col}`` on entity ``child`` says every child row points at one
parent row. Removing a parent therefore means removing its dependants first, or, when a
dependant is governed by a retention rule of its own (billing kept for the Accounting Law while
the customer's contract data expires), keeping the parent until the dependant's rule lets go.
Links to another system are references, not ownership, and are not followed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.policy import Policy


@dataclass(frozen=True)
class Dependant:
    """``child.fk_column`` references ``parent.parent_column`` in the same system."""

    child: str  # qualified 'system.entity'
    fk_column: str
    parent: str
    parent_column: str


def _target(system: str, to: str) -> tuple[str, str] | None:
    parts = to.split(".")
    if len(parts) == 2:
        return f"{system}.{parts[0]}", parts[1]
    if len(parts) == 3 and parts[0] == system:
        return f"{parts[0]}.{parts[1]}", parts[2]
    return None  # another system: a reference, not ownership


def dependants(policy: Policy, qualified: str) -> list[Dependant]:
    """Entities of the same system whose links point at ``qualified``, in data-map order."""
    system = qualified.split(".", 1)[0]
    found = []
    for name, entity in sorted(policy.sources[system].entities.items()):
        for link in entity.links:
            target = _target(system, link.to)
            if target and target[0] == qualified:
                found.append(Dependant(f"{system}.{name}", link.column, qualified, target[1]))
    return found


def governed_entities(policy: Policy) -> frozenset[str]:
    """Entities that some retention rule governs directly: never removed as a side effect."""
    return frozenset(rule.entity for _, rule in policy.rules())


def depth(policy: Policy, qualified: str) -> int:
    """0 for an entity nothing hangs off; otherwise one more than its deepest dependant.
    Removing in increasing depth removes children before their parents."""
    children = dependants(policy, qualified)
    return 0 if not children else 1 + max(depth(policy, d.child) for d in children)
