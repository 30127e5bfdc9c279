"""The production test's processes get docker-compose.yml's configuration: each service's
environment, value for value, changed only where a process differs from a container (a service's
address, the /opt/airflow folders, where it listens) and by the test's named timing settings.
No process is started here; tests/production runs them."""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import pytest

from .compose_files import ROOT, compose_with, load_compose

sys.path.insert(0, str(ROOT / "tests" / "production"))
from production_stack.stack import CLI, INIT, WORKER, LocalStack  # noqa: E402
from production_stack.translate import (  # noqa: E402
    CONTAINER_HOME,
    LISTEN_HOSTS,
    LISTEN_SETTINGS,
    airflow_command,
    service_environment,
)
from stack_settings import TIMING  # noqa: E402

BASE = {"PATH", "HOME", "LANG", "TZ", "TMPDIR", "AIRFLOW_HOME"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> LocalStack:
    return LocalStack(tmp_path_factory.mktemp("stack"), overrides=TIMING, scale={WORKER: 2})


def _same_after_translation(
    compose_value: str, local: str, stack: LocalStack, service: str
) -> bool:
    """``local`` is ``compose_value`` with only a service address and /opt/airflow changed."""
    home = str(stack.place.home)
    if "://" not in compose_value:
        if compose_value.startswith("{"):
            return json.loads(local) == json.loads(compose_value.replace(CONTAINER_HOME, home))
        return local == compose_value.replace(CONTAINER_HOME, home)
    theirs, ours = urlsplit(compose_value.removeprefix("db+")), urlsplit(local.removeprefix("db+"))
    host = "airflow-apiserver" if theirs.hostname == "localhost" else theirs.hostname
    return (
        (theirs.scheme, theirs.username, theirs.password, theirs.path, theirs.query)
        == (ours.scheme, ours.username, ours.password, ours.path, ours.query)
        and ours.hostname == "127.0.0.1"
        and ours.port == stack.ports[host]
        and compose_value.startswith("db+") == local.startswith("db+")
    )


def test_every_process_gets_its_service_environment_and_nothing_else(stack):
    compose = compose_with(stack.dotenv)
    checked = 0
    for service in [*stack.airflow_services, CLI]:
        kind = airflow_command(compose, service) if service not in (INIT, CLI) else None
        listen = set(LISTEN_SETTINGS.get(kind, {})) | set(LISTEN_HOSTS.get(kind, {}))
        for instance in stack.instances(service):
            env = stack.cli_environment() if service == CLI else stack.environment(instance)
            theirs = service_environment(compose, service)
            assert set(env) - set(theirs) <= BASE | listen, (instance, set(env) - set(theirs))
            for key, value in theirs.items():
                if key in TIMING and service != INIT:
                    assert env[key] == TIMING[key], (instance, key)
                    continue
                assert _same_after_translation(value, env[key], stack, service), (instance, key)
                checked += 1
    assert checked > 300


def test_the_test_changes_only_settings_the_compose_file_sets(stack):
    common = load_compose()["x-airflow-common"]["environment"]
    assert set(TIMING) <= set(common), "an override of something compose does not set"
    for key, value in TIMING.items():
        assert str(common[key]) != value, f"{key}: the same as the compose file's"


def test_replicas_listen_on_ports_of_their_own(stack):
    workers = stack.instances(WORKER)
    assert workers == [f"{WORKER}-1", f"{WORKER}-2"]
    ports = [stack.environment(w)["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] for w in workers]
    assert len(set(ports)) == 2
    api = stack.environment("airflow-apiserver")
    assert api["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert api["AIRFLOW__API__PORT"] == str(stack.ports["airflow-apiserver"])
    # The workers report to the API server the local stack really runs.
    worker = stack.environment(workers[0])
    assert worker["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"{stack.api_url}/execution/"


def test_secrets_come_from_the_env_file_as_compose_interpolates_them(stack):
    env = stack.environment("airflow-scheduler")
    for secret in ("AIRFLOW__CORE__FERNET_KEY", "GOVERNANCE_SUBJECT_KEY", "GOVERNANCE_REQUEST_KEY"):
        assert env[secret] == stack.dotenv[secret] and len(env[secret]) >= 32
    assert f":{stack.dotenv['POSTGRES_PASSWORD']}@127.0.0.1:" in env["GOVERNANCE_STORE_URL"]
