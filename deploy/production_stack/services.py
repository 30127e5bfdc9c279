"""Compose's ``redis`` and ``postgres`` services on this machine.

- Redis: Debian's ``redis-server`` (installed with ``apt-get`` when missing, as
  ``scripts/postgres`` installs PostgreSQL), on loopback only, nothing persisted: the broker's
  queue lives as long as the stack, as in the compose file's container without a volume.
- PostgreSQL: a server of ``scripts/postgres`` in the stack's own folder, initialised the way
  the ``postgres`` image initialises an empty volume: the ``POSTGRES_USER`` role with
  ``POSTGRES_PASSWORD``, the ``POSTGRES_DB`` database, then every script the compose file
  mounts into ``/docker-entrypoint-initdb.d`` (``scripts/compose/create-governance-db.sql``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .compose import ROOT
from .processes import Process, start_process

INITDB = "/docker-entrypoint-initdb.d"


class ServiceError(RuntimeError):
    """A backing service could not be installed or did not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _apt_install(package: str, binary: str) -> str:
    found = shutil.which(binary) or (
        f"/usr/bin/{binary}" if Path(f"/usr/bin/{binary}").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise ServiceError(f"{binary} is not installed; run as root or: apt-get install {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", package], check=True, env=env, capture_output=True
    )
    # The package starts a server of its own where an init system runs; ours is separate.
    return shutil.which(binary) or f"/usr/bin/{binary}"


def start_redis(folder: Path, port: int) -> Process:
    """``redis-server`` on 127.0.0.1:``port``, no persistence; returns once it answers PING."""
    binary = _apt_install("redis-server", "redis-server")
    folder.mkdir(parents=True, exist_ok=True)
    argv = [
        binary,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--protected-mode", "yes",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
    ]  # fmt: skip
    process = start_process(
        "redis", argv, env={"PATH": os.environ.get("PATH", "")}, log=folder / "redis.log"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            pass
        if not process.alive():
            break
        time.sleep(0.2)
    process.kill()
    raise ServiceError(f"redis-server did not answer on port {port}: see {folder / 'redis.log'}")


def _pg(folder: Path, command: str, port: int | None = None) -> str:
    env = {**os.environ, "GOVERNANCE_PG_DIR": str(folder), "GOVERNANCE_PG_AUTH": "scram-sha-256"}
    if port:
        env["GOVERNANCE_PG_PORT"] = str(port)
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), command],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
    except subprocess.CalledProcessError as exc:
        raise ServiceError(f"scripts/postgres {command} failed:\n{exc.stderr}") from None
    return out.stdout.strip()


def start_postgres(folder: Path, port: int, service: Mapping[str, Any]) -> str:
    """A server on 127.0.0.1:``port`` initialised as the compose ``postgres`` service would be
    (``service``: that service, interpolated). Returns the superuser URL of scripts/postgres."""
    admin = _pg(folder, "url", port)
    env = service["environment"]
    user, password, database = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"]
    import sqlalchemy as sa

    quote = sa.create_engine("postgresql+psycopg2://").dialect.identifier_preparer.quote
    engine = sa.create_engine(
        f"{admin}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    with engine.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE ROLE {quote(user)} LOGIN SUPERUSER PASSWORD %(pw)s", {"pw": password}
        )
        conn.exec_driver_sql(f"CREATE DATABASE {quote(database)} OWNER {quote(user)}")
    engine.dispose()
    scripts = [
        ROOT / mount.split(":")[0].removeprefix("./")
        for mount in service.get("volumes", [])
        if mount.split(":")[1].startswith(INITDB + "/")
    ]
    url = sa.engine.make_url(admin).set(username=user, password=password, database=database)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as conn:
        for script in sorted(scripts, key=lambda p: p.name):  # the image runs them sorted
            for statement in _statements(script.read_text()):
                conn.exec_driver_sql(statement)
    engine.dispose()
    return admin


def _statements(sql: str) -> list[str]:
    """The statements of a plain SQL script (``--`` comments, ``;`` terminators, no bodies)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def stop_postgres(folder: Path) -> None:
    _pg(folder, "stop")
