"""The data map's lookup indexes on a freshly built demo estate (see ``sources.lookup``)."""

from __future__ import annotations

from pathlib import Path

from governance.estate.schema import SYSTEMS, system_url


def ensure_estate_indexes(folder: str | Path, server: str | None = None) -> int:
    """The data map's lookup indexes on the demo estate's databases (see sources.lookup):
    the SQLite files in ``folder``, or the ``estate_<system>`` databases on ``server``."""
    from governance.policy import load_policy
    from governance.sources.lookup import ensure_lookup_indexes
    from governance.store.engine import create_store_engine

    policy = load_policy()
    created = 0
    for system in policy.sources:
        if server:
            if system not in SYSTEMS:
                continue  # the governance store is a source too, but not part of the estate
            url = system_url(system, server)
        else:
            path = Path(folder) / f"{system}.db"
            if not path.exists():
                continue
            url = f"sqlite:///{path}"
        engine = create_store_engine(url)
        created += ensure_lookup_indexes(policy, engine, system)
        engine.dispose()
    return created
