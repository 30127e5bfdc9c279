"""Where things live and which secrets unlock them: the engine's one typed configuration.

Every ``GOVERNANCE_*`` environment variable the engine reads is a field of
:class:`GovernanceSettings` (pydantic-settings), read and validated once per process by
:func:`current`; the functions below (``store_url()``, ``policy_dir()``, ...) are the public API
and read from it. Tests that change the environment call :func:`reset` (``tests/conftest.py``
does so whenever a test sets a ``GOVERNANCE_*`` variable).

All paths default to folders inside the project checkout, so a fresh clone works without any
configuration; ``scripts/with-env`` exports the same values explicitly.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from upath import UPath

from governance.errors import ConfigurationError

#: The project checkout: plugins/governance/settings.py -> three levels up.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_PREFIX = "GOVERNANCE_"


class GovernanceSettings(BaseSettings):
    """``GOVERNANCE_<FIELD>`` for each field; an empty variable counts as unset."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="ignore", frozen=True
    )

    policy: Path | None = None
    estate: Path | None = None
    home: Path | None = None
    reports: Path | None = None
    store_url: str | None = None
    outbox: str | None = None
    anchor_dir: str | None = None
    archive_url: str | None = None
    estate_server: str | None = None
    estate_database_prefix: str | None = None
    dpo_email: str | None = None
    dpo_users: str | None = None
    airflow_api_url: str | None = None
    gx_project: Path | None = None
    subject_key: SecretStr | None = None
    request_key: SecretStr | None = None
    archive_key: SecretStr | None = None

    @field_validator("store_url", "estate_server")
    @classmethod
    def _sqlalchemy_url(cls, value: str | None) -> str | None:
        """A URL SQLAlchemy can parse, checked here so a typo fails with the variable's name
        rather than later with the URL (and its password) in a driver's message."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if value is not None:
            try:
                make_url(value)
            except ArgumentError:
                raise ValueError("expected a SQLAlchemy URL") from None
        return value

    #: Keys resolved by :mod:`governance.keys` (from here or an Airflow connection), once.
    _keys: dict[str, bytes] = PrivateAttr(default_factory=dict)

    def secret(self, name: str) -> str | None:
        """The value of secret field ``name`` (``subject_key``, ...), or None when unset."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None


@functools.cache
def current() -> GovernanceSettings:
    """The process's configuration, read from the environment on first use."""
    try:
        return GovernanceSettings()
    except ValidationError as exc:  # names the variables, never their values
        problems = sorted(
            f"{ENV_PREFIX}{str(e['loc'][0]).upper()}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
            if e["loc"]
        )
        raise ConfigurationError(
            "malformed configuration: " + "; ".join(problems),
            field=problems[0].split(":", 1)[0] if problems else None,
        ) from None


def reset() -> None:
    """Forget the configuration read so far (tests that change the environment call this)."""
    current.cache_clear()


def _path(value: Path | None, default: Path) -> Path:
    return value.expanduser().resolve() if value else default


def policy_dir() -> Path:
    """The policy folder (``GOVERNANCE_POLICY``, default ``include/policy``)."""
    return _path(current().policy, PROJECT_ROOT / "include" / "policy")


def estate_dir() -> Path:
    """The demo estate (``GOVERNANCE_ESTATE``, default ``.estate``): one SQLite DB per system and
    the files; with :func:`estate_server` set, only the files (the databases live on the server)."""
    return _path(current().estate, PROJECT_ROOT / ".estate")


def governance_home() -> Path:
    """Private state of the product itself (``GOVERNANCE_HOME``, default ``.governance``)."""
    return _path(current().home, PROJECT_ROOT / ".governance")


def gx_project_dir() -> Path:
    """The file-backed Great Expectations project (``GOVERNANCE_GX_PROJECT``, default ``gx/``)."""
    return _path(current().gx_project, PROJECT_ROOT / "gx")


def reports_dir() -> Path:
    """Where reports are written (``GOVERNANCE_REPORTS``, default ``reports``)."""
    return _path(current().reports, PROJECT_ROOT / "reports")


def outbox_root() -> UPath:
    """Where request packages and response letters go: ``GOVERNANCE_OUTBOX`` (a folder or an
    fsspec URL such as s3://bucket/outbox), else ``<governance home>/outbox``."""
    configured = current().outbox
    return UPath(configured) if configured else UPath(governance_home() / "outbox")


def anchor_dir() -> str | None:
    """Where ledger anchors go (``GOVERNANCE_ANCHOR_DIR``, a folder or fsspec URL), or None for
    the default, ``<governance home>/anchors``."""
    return current().anchor_dir


def archive_url() -> str | None:
    """The archive's root (``GOVERNANCE_ARCHIVE_URL``), or None to ask the connection or home."""
    value = (current().archive_url or "").strip()
    return value or None


def store_url() -> str:
    """SQLAlchemy URL of the governance store (``GOVERNANCE_STORE_URL``; SQLite by default)."""
    url = current().store_url
    if url:
        return url
    return f"sqlite:///{governance_home() / 'governance.db'}"


def estate_server() -> str | None:
    """A PostgreSQL server for the demo estate (``GOVERNANCE_ESTATE_SERVER``, a SQLAlchemy URL
    without a database: ``postgresql+psycopg2://USER:PW@HOST:PORT``), or None for SQLite files.

    Set, each source system gets its own database ``estate_<system>`` on that server, as a
    production estate keeps each system in a database of its own.
    """
    return current().estate_server or None


def estate_database_prefix() -> str:
    """Prefix of the estate's database names (``GOVERNANCE_ESTATE_DATABASE_PREFIX``, default
    ``estate``): lets several estates (test sessions, benchmarks) share one server."""
    return current().estate_database_prefix or "estate"


def dpo_email() -> str | None:
    """Where the deadline watch e-mails the DPO (``GOVERNANCE_DPO_EMAIL``), or None."""
    return current().dpo_email or None


def dpo_users() -> tuple[str, ...]:
    """The DPO's Airflow user names (``GOVERNANCE_DPO_USERS``, comma-separated), or none."""
    return tuple(u.strip() for u in (current().dpo_users or "").split(",") if u.strip())


def airflow_api_url() -> str | None:
    """Airflow's REST API as the Privacy page should call it (``GOVERNANCE_AIRFLOW_API_URL``),
    or None to derive it from the page's own request."""
    return current().airflow_api_url or None
