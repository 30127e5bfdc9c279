"""Where things live: one place that reads the environment, so every module agrees.

All paths default to folders inside the project checkout, so a fresh clone works without any
configuration; ``scripts/with-env`` exports the same values explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

from upath import UPath

#: The project checkout: plugins/governance/settings.py -> three levels up.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


def policy_dir() -> Path:
    """The policy folder (``GOVERNANCE_POLICY``, default ``include/policy``)."""
    return _path("GOVERNANCE_POLICY", PROJECT_ROOT / "include" / "policy")


def estate_dir() -> Path:
    """The demo estate (``GOVERNANCE_ESTATE``, default ``.estate``): one SQLite DB per system and
    the files; with :func:`estate_server` set, only the files (the databases live on the server)."""
    return _path("GOVERNANCE_ESTATE", PROJECT_ROOT / ".estate")


def governance_home() -> Path:
    """Private state of the product itself (``GOVERNANCE_HOME``, default ``.governance``)."""
    return _path("GOVERNANCE_HOME", PROJECT_ROOT / ".governance")


def reports_dir() -> Path:
    """Where reports are written (``GOVERNANCE_REPORTS``, default ``reports``)."""
    return _path("GOVERNANCE_REPORTS", PROJECT_ROOT / "reports")


def outbox_root() -> UPath:
    """Where request packages and response letters go: ``GOVERNANCE_OUTBOX`` (a folder or an
    fsspec URL such as s3://bucket/outbox), else ``<governance home>/outbox``."""
    configured = os.environ.get("GOVERNANCE_OUTBOX")
    return UPath(configured) if configured else UPath(governance_home() / "outbox")


def store_url() -> str:
    """SQLAlchemy URL of the governance store (``GOVERNANCE_STORE_URL``; SQLite by default)."""
    url = os.environ.get("GOVERNANCE_STORE_URL")
    if url:
        return url
    return f"sqlite:///{governance_home() / 'governance.db'}"


def estate_server() -> str | None:
    """A PostgreSQL server for the demo estate (``GOVERNANCE_ESTATE_SERVER``, a SQLAlchemy URL
    without a database: ``postgresql+psycopg2://USER:PW@HOST:PORT``), or None for SQLite files.

    Set, each source system gets its own database ``estate_<system>`` on that server, as a
    production estate keeps each system in a database of its own.
    """
    return os.environ.get("GOVERNANCE_ESTATE_SERVER") or None


def estate_database_prefix() -> str:
    """Prefix of the estate's database names (``GOVERNANCE_ESTATE_DATABASE_PREFIX``, default
    ``estate``): lets several estates (test sessions, benchmarks) share one server."""
    return os.environ.get("GOVERNANCE_ESTATE_DATABASE_PREFIX") or "estate"


def dpo_email() -> str | None:
    """Where the deadline watch e-mails the DPO (``GOVERNANCE_DPO_EMAIL``), or None."""
    return os.environ.get("GOVERNANCE_DPO_EMAIL") or None
