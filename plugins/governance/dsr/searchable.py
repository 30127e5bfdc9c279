"""Which source systems a request searches, read from the data map alone.

Its own module because the task bodies, the package's manifest and the pools' sizing all ask
the same question, and none of them should import another to ask it.
"""

from __future__ import annotations

from governance.policy import Policy


def searchable_systems(policy: Policy) -> list[str]:
    """Systems where a person can be found: some entity has identifier or free-text columns
    (the governance store's own secrets are encrypted, so it is not one)."""
    return sorted(
        system
        for system, source in policy.sources.items()
        if any(
            entity.identifier_columns() or any(c.free_text for c in entity.columns.values())
            for entity in source.entities.values()
        )
    )
