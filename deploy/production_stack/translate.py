"""A compose service's configuration, moved from its container to this machine.

The environment and command of each service are read from docker-compose.yml (interpolated with
a ``.env``, as Compose does) and changed only where a process differs from a container:

- **addresses**: a service name (``postgres``, ``redis``, ``airflow-apiserver``, and
  ``localhost`` inside the API server) becomes ``127.0.0.1`` and the port the local service
  listens on;
- **folders**: ``/opt/airflow`` (the image's ``AIRFLOW_HOME``, where the compose file mounts
  ``dags/``, ``plugins/``, ``include/`` and its volumes) becomes a local folder laid out the same
  way (:func:`lay_out_home`);
- **listening ports**: every container has its own network, so two workers can both serve logs
  on 8793; here each process gets a free port of its own (:data:`LISTEN_SETTINGS`), and listens
  on loopback only.

Nothing else changes: every other variable is the compose file's, value for value. The test
``tests/deploy/test_local_stack_config.py`` holds this module to that, and the production test
reads the environment of the running processes back from ``/proc``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose import ROOT

CONTAINER_HOME = "/opt/airflow"
LOOPBACK = "127.0.0.1"
#: The port each addressable service listens on inside the compose network.
SERVICE_PORTS = {"postgres": 5432, "redis": 6379, "airflow-apiserver": 8080}
#: Per ``airflow`` sub-command: the settings that choose where it listens (container port).
LISTEN_SETTINGS: dict[str, dict[str, int]] = {
    "api-server": {"AIRFLOW__API__PORT": 8080},
    "scheduler": {"AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": 8974},
    "triggerer": {"AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": 8794},
    "celery worker": {"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": 8793},
    "dag-processor": {},
}
#: ... and on which interface (a container's 0.0.0.0 is its own network; here loopback).
LISTEN_HOSTS: dict[str, dict[str, str]] = {
    "api-server": {"AIRFLOW__API__HOST": LOOPBACK},
    "scheduler": {"AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": LOOPBACK},
}
_ADDRESS = re.compile(
    r"(?P<lead>@|//)(?P<host>[A-Za-z][A-Za-z0-9-]*)(?::(?P<port>\d+))?(?=[/\"?]|$)"
)
_HOME = re.compile(re.escape(CONTAINER_HOME) + r"(?=[/\"]|$)")


class TranslationError(ValueError):
    """A value names a host or folder that has no local counterpart."""


@dataclass(frozen=True)
class Place:
    """This machine: where each addressable service listens, and the folder for /opt/airflow."""

    home: Path
    ports: Mapping[str, int]  # service name -> local port (SERVICE_PORTS' keys)
    extra: Mapping[str, str] = field(default_factory=dict)  # e.g. AIRFLOW_HOME, PATH

    def address(self, host: str, port: int | None, service: str) -> str:
        if host == "localhost" and service == "airflow-apiserver":
            host = "airflow-apiserver"  # the API server reaching itself
        if host not in SERVICE_PORTS:
            raise TranslationError(
                f"{service}: the address {host!r} is not a compose service this stack runs "
                f"(expected one of {sorted(SERVICE_PORTS)})"
            )
        if port is not None and port != SERVICE_PORTS[host]:
            raise TranslationError(
                f"{service}: {host}:{port}; {host} listens on {SERVICE_PORTS[host]}"
            )
        return f"{LOOPBACK}:{self.ports[host]}"


def translate_value(value: str, place: Place, service: str) -> str:
    """One environment value, with compose addresses and /opt/airflow made local."""

    def address(match: re.Match) -> str:
        host, port = match["host"], match["port"]
        return match["lead"] + place.address(host, int(port) if port else None, service)

    value = _ADDRESS.sub(address, value) if ("://" in value) else value
    return _HOME.sub(str(place.home), value)


def service_environment(compose: Mapping[str, Any], service: str) -> dict[str, str]:
    """The (interpolated) compose file's environment of ``service``, as strings."""
    env = compose["services"][service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def airflow_command(compose: Mapping[str, Any], service: str) -> str:
    """What the image's entrypoint runs after ``airflow``: ``scheduler``, ``celery worker``…"""
    command = compose["services"][service]["command"]
    return command if isinstance(command, str) else " ".join(command)


def local_command(compose: Mapping[str, Any], service: str, place: Place) -> list[str]:
    """The service's command on this machine: ``airflow <command>`` for the Airflow image's
    services (its entrypoint prepends ``airflow``), a translated argv for the rest."""
    command = compose["services"][service]["command"]
    if isinstance(command, str):
        return ["airflow", *shlex.split(command)]
    return [translate_value(part, place, service) for part in command]


def local_environment(
    compose: Mapping[str, Any],
    service: str,
    place: Place,
    listen: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """The compose environment of ``service`` for a process here: addresses and folders
    translated, plus where it listens (``listen``: setting -> local port) and ``place.extra``."""
    env = {
        key: translate_value(value, place, service)
        for key, value in service_environment(compose, service).items()
    }
    kind = airflow_command(compose, service)
    for setting in LISTEN_SETTINGS.get(kind, {}):
        if not listen or setting not in listen:
            raise TranslationError(f"{service}: no local port given for {setting}")
        env[setting] = str(listen[setting])
    env.update(LISTEN_HOSTS.get(kind, {}))
    env.update(place.extra)
    return env


def lay_out_home(compose: Mapping[str, Any], service: str, home: Path, volumes: Path) -> None:
    """Make ``home`` look like /opt/airflow in the service's container: each bind mount of the
    compose file a symbolic link to the project's folder, each named volume a folder of its own
    under ``volumes`` (shared by every service, as Compose shares a named volume)."""
    home.mkdir(parents=True, exist_ok=True)
    for mount in compose["services"][service].get("volumes", []):
        source, target = mount.split(":")[:2]
        if not target.startswith(CONTAINER_HOME + "/"):
            continue
        local = home / target.removeprefix(CONTAINER_HOME + "/")
        if local.exists() or local.is_symlink():
            continue
        local.parent.mkdir(parents=True, exist_ok=True)
        if source.startswith("./"):
            local.symlink_to(ROOT / source.removeprefix("./"))
        else:
            (volumes / source).mkdir(parents=True, exist_ok=True)
            local.symlink_to(volumes / source)
