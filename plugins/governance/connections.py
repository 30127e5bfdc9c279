"""Resolve an Airflow connection id without importing Airflow.

Airflow reads connections from ``AIRFLOW_CONN_<ID>`` environment variables (a URI or a JSON
object); the engine reads the same variables, so one definition serves the scheduler, the CLI
and the tests. Inside an Airflow task the glue may resolve through Airflow's secrets backends
instead (``governance.airflow_glue``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import URL

from governance.errors import ConfigurationError


@dataclass(frozen=True)
class Connection:
    """The parts of an Airflow connection the engine uses."""

    conn_id: str
    conn_type: str
    host: str | None = None
    schema: str | None = None
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    port: int | None = None
    extra: dict = field(default_factory=dict)
    uri: str | None = field(default=None, repr=False)

    def sqlalchemy_url(self) -> str:
        """The SQLAlchemy URL for a SQL source (sqlite or postgres connections)."""
        if self.conn_type == "sqlalchemy" and self.extra.get("url"):
            return str(self.extra["url"])
        if self.conn_type == "sqlite":
            path = self.host or self.schema or ""
            return f"sqlite:///{path}"
        if self.conn_type in ("postgres", "postgresql"):
            # URL.create escapes what a password may contain (@, /, :, %).
            return URL.create(
                "postgresql+psycopg2",
                username=self.login,
                password=self.password,
                host=self.host or "localhost",
                port=self.port,
                database=self.schema or None,
            ).render_as_string(hide_password=False)
        raise ConfigurationError(
            f"connection {self.conn_id!r} has type {self.conn_type!r}; expected sqlite or postgres"
        )


def env_var_name(conn_id: str) -> str:
    return "AIRFLOW_CONN_" + conn_id.upper()


def _builtin(conn_id: str) -> Connection | None:
    """The product's own store and outbox are sources of its own retention policy; without an
    explicit connection they are where the settings say."""
    from governance import settings

    if conn_id == "governance_store":
        return Connection(
            conn_id=conn_id, conn_type="sqlalchemy", extra={"url": settings.store_url()}
        )
    if conn_id == "governance_outbox":
        return Connection(
            conn_id=conn_id, conn_type="fs", extra={"path": str(settings.outbox_root())}
        )
    return None


def get_connection(conn_id: str) -> Connection:
    """Read ``AIRFLOW_CONN_<ID>``; raise ConfigurationError naming the variable if it is absent."""
    var = env_var_name(conn_id)
    raw = os.environ.get(var)
    if not raw and _builtin(conn_id) is not None:
        return _builtin(conn_id)
    if not raw:
        raise ConfigurationError(
            f"connection {conn_id!r} is not defined: set {var} (run commands through scripts/with-env)"
        )
    raw = raw.strip()
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigurationError(f"{var} is not valid JSON (line {exc.lineno})") from None
        return Connection(
            conn_id=conn_id,
            conn_type=data.get("conn_type", ""),
            host=data.get("host"),
            schema=data.get("schema"),
            login=data.get("login"),
            password=data.get("password"),
            port=data.get("port"),
            extra=data.get("extra") or {},
        )
    parts = urlsplit(raw)
    conn_type = parts.scheme.replace("-", "_")
    if conn_type == "sqlite":
        # Airflow's sqlite URIs: sqlite:////abs/path.db -> host is the absolute path.
        path = unquote(raw[len("sqlite://") :])
        while path.startswith("//"):
            path = path[1:]
        return Connection(conn_id=conn_id, conn_type="sqlite", host=path, uri=raw)
    return Connection(
        conn_id=conn_id,
        conn_type=conn_type,
        host=parts.hostname,
        schema=unquote(parts.path.lstrip("/")) or None,
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        port=parts.port,
        uri=raw,
    )
