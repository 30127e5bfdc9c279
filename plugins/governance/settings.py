"""Where things live: one place that reads the environment, so every module agrees.

All paths default to folders inside the project checkout, so a fresh clone works without any
configuration; ``scripts/with-env`` exports the same values explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The project checkout: plugins/governance/settings.py -> three levels up.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


def policy_dir() -> Path:
    """The policy folder (``GOVERNANCE_POLICY``, default ``include/policy``)."""
    return _path("GOVERNANCE_POLICY", PROJECT_ROOT / "include" / "policy")


def estate_dir() -> Path:
    """The demo estate (``GOVERNANCE_ESTATE``, default ``.estate``): one SQLite DB per system + files."""
    return _path("GOVERNANCE_ESTATE", PROJECT_ROOT / ".estate")


def governance_home() -> Path:
    """Private state of the product itself (``GOVERNANCE_HOME``, default ``.governance``)."""
    return _path("GOVERNANCE_HOME", PROJECT_ROOT / ".governance")


def reports_dir() -> Path:
    """Where reports are written (``GOVERNANCE_REPORTS``, default ``reports``)."""
    return _path("GOVERNANCE_REPORTS", PROJECT_ROOT / "reports")


def store_url() -> str:
    """SQLAlchemy URL of the governance store (``GOVERNANCE_STORE_URL``; SQLite by default)."""
    url = os.environ.get("GOVERNANCE_STORE_URL")
    if url:
        return url
    return f"sqlite:///{governance_home() / 'governance.db'}"
