"""The data map's lookup indexes on a freshly built demo estate (see ``sources.lookup``)."""

from __future__ import annotations

from pathlib import Path

from governance.estate.schema import estate_urls


def ensure_estate_indexes(folder: str | Path, server: str | None = None) -> int:
    """The data map's lookup indexes on the databases of the estate built into ``folder``, as
    its manifest names them: the SQLite files there, or its databases on the estate server
    (``server`` or ``GOVERNANCE_ESTATE_SERVER``). Returns how many were created."""
    from governance.policy import load_policy
    from governance.sources.lookup import ensure_lookup_indexes
    from governance.store.engine import create_store_engine

    policy = load_policy()
    created = 0
    for system, url in estate_urls(folder, server).items():
        if system not in policy.sources:
            continue
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            continue
        engine = create_store_engine(url)
        created += ensure_lookup_indexes(policy, engine, system)
        engine.dispose()
    return created
