"""docker-compose.yml, .env.example, the init scripts and docs/deploy.md, checked without Docker
(no engine runs on the build machines): the Compose Specification's JSON schema after
interpolation, the documentation against the file, the secrets, scaling, and the estate's
databases against the interface of ``governance demo-estate``."""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from urllib.parse import urlsplit

import jsonschema
import pytest

from .compose_files import (
    DB_SCRIPT,
    DOC,
    ENV_EXAMPLE,
    INIT_SCRIPT,
    SCHEMA,
    InterpolationError,
    compose_with,
    doc_table,
    first_cell_names,
    generate_commands,
    interpolate,
    load_compose,
    read_env_file,
    variables_used,
)

WORKERS = "airflow-worker"


def _schema_errors(document) -> list[str]:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def _generated(command: str) -> str:
    """Run a `# generate:` command of .env.example (python3 -> this interpreter)."""
    argv = shlex.split(command)
    assert argv[0] == "python3", f"expected a python3 command, got {command!r}"
    out = subprocess.run(
        [sys.executable, *argv[1:]], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert out.count("\n") == 1 and out.strip(), f"{command!r} printed {out!r}"
    return out.strip()


def _generate_commands() -> dict[str, str]:
    """Every secret (empty value) of .env.example -> its `# generate:` command."""
    return generate_commands(ENV_EXAMPLE)


def _filled_env() -> dict[str, str]:
    """.env.example with every secret generated, as an operator's .env would be."""
    env = read_env_file(ENV_EXAMPLE)
    env.update({name: _generated(cmd) for name, cmd in _generate_commands().items()})
    return env


# -- the interpolation these tests rely on behaves as Compose documents it ------------------------


def test_interpolation_follows_compose_rules():
    env = {"SET": "v", "EMPTY": ""}
    assert interpolate("a$$b $${HOSTNAME}", env) == "a$b ${HOSTNAME}"
    assert interpolate("${SET}/$SET/${UNSET}", env) == "v/v/"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", env) == "d  d"
    assert interpolate("${UNSET:-${SET}x}", env) == "vx"
    assert interpolate("${SET:+alt}${EMPTY:+alt}${EMPTY+alt}", env) == "altalt"
    with pytest.raises(InterpolationError, match="EMPTY: needed"):
        interpolate("${EMPTY:?needed}", env)
    for bad in ("${SET", "$ alone", "${1X}", "${SET/x/y}"):
        with pytest.raises(InterpolationError):
            interpolate(bad, env)


# -- (a) the Compose Specification, after interpolation from .env.example ------------------------


def test_compose_file_is_valid_against_the_compose_spec_with_env_example():
    assert _schema_errors(compose_with(read_env_file(ENV_EXAMPLE))) == []


def test_compose_file_is_valid_with_every_secret_filled_in():
    filled = _filled_env()
    compose = compose_with(filled)
    assert _schema_errors(compose) == []
    env = compose["services"]["airflow-scheduler"]["environment"]
    assert "${" not in json.dumps(env), "a variable was left uninterpolated"
    assert env["AIRFLOW__CORE__FERNET_KEY"] == filled["AIRFLOW__CORE__FERNET_KEY"]
    assert f":{filled['POSTGRES_PASSWORD']}@postgres" in env["GOVERNANCE_STORE_URL"]


def test_the_schema_check_rejects_a_broken_file():
    compose = compose_with(read_env_file(ENV_EXAMPLE))
    broken = copy.deepcopy(compose)
    broken["services"][WORKERS]["healthcheck"]["intervall"] = "30s"
    assert any("intervall" in e for e in _schema_errors(broken))
    broken = copy.deepcopy(compose)
    broken["services"]["airflow-scheduler"]["depends_on"]["postgres"]["condition"] = "healthy"
    assert _schema_errors(broken)


def test_every_variable_the_file_uses_is_in_env_example_and_every_one_there_is_used():
    defined = set(read_env_file(ENV_EXAMPLE))
    used = variables_used()
    assert used - defined == set(), "used in docker-compose.yml, missing from .env.example"
    assert defined - used == set(), "in .env.example, never used by docker-compose.yml"


# -- (b) docs/deploy.md names only what the file has, and documents all of it ---------------------


def test_every_service_in_the_doc_is_in_the_file_and_back():
    documented = first_cell_names(doc_table("Services"))
    assert len(documented) == len(set(documented))
    assert set(documented) == set(load_compose()["services"])


def test_every_volume_and_mount_in_the_doc_is_in_the_file_and_back():
    compose = load_compose()
    mounts: dict[str, str] = {}
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            mounts.setdefault(source, target)
    binds = {s for s in mounts if s.startswith("./") and not s.endswith(".sql")}
    named = set(compose["volumes"])
    rows = doc_table("Volumes and mounts")
    documented = dict(zip(first_cell_names(rows), (r[1].strip("`") for r in rows), strict=True))
    assert set(documented) == binds | named
    for source, target in documented.items():
        assert mounts[source] == target, (
            f"{source}: the doc says {target}, the file {mounts[source]}"
        )


def _documented_variables() -> set[str]:
    from governance.estate import SYSTEMS

    names: set[str] = set()
    for name in first_cell_names(doc_table("Environment")):
        if "<SYSTEM>" in name:
            names |= {name.replace("<SYSTEM>", system.upper()) for system in SYSTEMS}
        else:
            names.add(name)
    return names


def test_every_variable_in_the_doc_is_in_the_file_and_back():
    compose = load_compose()
    set_in_file = {
        key
        for name, service in compose["services"].items()
        if name != "postgres"  # the postgres image's own settings
        for key in service.get("environment", {})
    }
    documented = _documented_variables()
    missing = documented - set_in_file - variables_used()
    assert missing == set(), "named in docs/deploy.md, absent from docker-compose.yml"
    assert set_in_file - documented == set(), "set in docker-compose.yml, not in docs/deploy.md"
    assert set(read_env_file(ENV_EXAMPLE)) - documented == set(), ".env.example, undocumented"


# -- secrets: generated by the documented command, refused when empty ----------------------------


def _check_fernet(value: str, monkeypatch) -> None:
    from cryptography.fernet import Fernet

    Fernet(value.encode())


def _check_archive(value: str, monkeypatch) -> None:
    from governance.archive.store import load_archive_key

    monkeypatch.setenv("GOVERNANCE_ARCHIVE_KEY", value)
    load_archive_key()


def _check_request(value: str, monkeypatch) -> None:
    from governance.dsr.crypto import request_key

    monkeypatch.setenv("GOVERNANCE_REQUEST_KEY", value)
    request_key()


def _check_subject(value: str, monkeypatch) -> None:
    from governance.identity.pseudonym import subject_key

    monkeypatch.setenv("GOVERNANCE_SUBJECT_KEY", value)
    subject_key()


def _check_url_safe(value: str, monkeypatch) -> None:
    """Long, random, and usable unquoted in a database URL."""
    assert len(value) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", value), value
    assert urlsplit(f"postgresql://airflow:{value}@postgres:5432/x").password == value


#: How each secret is checked: by the code that reads it where the product has such code.
SECRET_CHECKS = {
    "AIRFLOW__CORE__FERNET_KEY": _check_fernet,
    "AIRFLOW__API_AUTH__JWT_SECRET": _check_url_safe,
    "AIRFLOW__API__SECRET_KEY": _check_url_safe,
    "POSTGRES_PASSWORD": _check_url_safe,
    "GOVERNANCE_SUBJECT_KEY": _check_subject,
    "GOVERNANCE_ARCHIVE_KEY": _check_archive,
    "GOVERNANCE_REQUEST_KEY": _check_request,
}


def test_each_secret_has_one_command_that_makes_a_key_the_product_accepts(monkeypatch):
    commands = _generate_commands()
    assert set(commands) == set(SECRET_CHECKS), "a secret without a check here, or the reverse"
    for name, command in commands.items():
        first, second = _generated(command), _generated(command)
        assert first != second, f"{name}: the command is not random"
        SECRET_CHECKS[name](first, monkeypatch)
    assert set(commands) >= {
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "GOVERNANCE_SUBJECT_KEY",
        "GOVERNANCE_ARCHIVE_KEY",
        "GOVERNANCE_REQUEST_KEY",
        "POSTGRES_PASSWORD",
    }


def test_airflow_init_refuses_each_empty_secret_before_doing_anything():
    filled = _filled_env()
    # The postgres image refuses an empty POSTGRES_PASSWORD itself, so the file must hand it
    # over as it is (no default), and airflow-init waits for a healthy postgres.
    postgres = load_compose()["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD}"
    secrets = [name for name in _generate_commands() if name != "POSTGRES_PASSWORD"]
    for name in secrets:
        env = {"PATH": os.environ["PATH"], **{k: v for k, v in filled.items() if k != name}}
        run = subprocess.run(
            ["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 1, (name, run.stdout, run.stderr)
        assert re.search(rf"empty in \.env:.*\b{name}\b", run.stderr), (name, run.stderr)
        assert run.stdout == "", f"{name}: airflow-init went on: {run.stdout}"


# -- (c) the workers scale ----------------------------------------------------------------------


def test_workers_can_be_scaled():
    compose = compose_with(read_env_file(ENV_EXAMPLE))
    worker = compose["services"][WORKERS]
    for fixed in ("container_name", "hostname", "ports"):
        assert fixed not in worker, f"{WORKERS}: {fixed} stops --scale {WORKERS}=3"
    assert worker["command"] == "celery worker"
    assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert (
        '-d "celery@$${HOSTNAME}"' in load_compose()["services"][WORKERS]["healthcheck"]["test"][1]
    ), "the health check must ping this replica's own Celery node"


# -- the wiring Compose cannot check ------------------------------------------------------------


def test_healthchecks_and_start_order():
    services = load_compose()["services"]
    for name, service in services.items():
        if service.get("restart") == "always":
            assert "healthcheck" in service, f"{name}: a long-running service without healthcheck"
        for needed, how in service.get("depends_on", {}).items():
            if how["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], f"{name} waits for {needed}'s health"
            if how["condition"] == "service_completed_successfully":
                assert services[needed].get("restart") == "no", f"{needed} is a one-off"
    airflow = [n for n in services if n.startswith("airflow-") and n not in ("airflow-init",)]
    for name in airflow:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        if name != "airflow-cli":
            assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["postgres"]["image"] == "postgres:16"
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"]


def test_users_and_their_roles():
    env = load_compose()["services"]["airflow-init"]["environment"]
    roles = dict(u.split(":") for u in env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(","))
    assert roles == {"dpo": "user", "engineer": "op", "auditor": "viewer"}
    passwords = env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
    assert passwords.startswith("/opt/airflow/state/"), "on the volume every service shares"
    script = INIT_SCRIPT.read_text()
    assert "airflow db migrate" in script
    assert 'airflow pools import "$home/include/pools.json"' in script
    assert 'home="${AIRFLOW_HOME:-/opt/airflow}"' in script, "the image's AIRFLOW_HOME"
    assert "governance demo-estate" in script


def test_estate_connections_are_those_demo_estate_builds(monkeypatch):
    """The interface of `governance demo-estate` with GOVERNANCE_ESTATE_SERVER: the compose
    file's connections must be exactly the ones the estate code derives for that server."""
    from governance.estate import connection_env

    monkeypatch.delenv("GOVERNANCE_ESTATE_DATABASE_PREFIX", raising=False)
    env = compose_with(_filled_env())["services"]["airflow-worker"]["environment"]
    expected = connection_env(env["GOVERNANCE_ESTATE"], server=env["GOVERNANCE_ESTATE_SERVER"])
    assert {k: v for k, v in env.items() if k.startswith("AIRFLOW_CONN_ESTATE_")} == expected


def test_the_postgres_init_script_creates_every_database_the_file_names(monkeypatch):
    from governance.estate import SYSTEMS
    from governance.estate.schema import database_name

    monkeypatch.delenv("GOVERNANCE_ESTATE_DATABASE_PREFIX", raising=False)
    compose = compose_with(_filled_env())
    env = compose["services"]["airflow-scheduler"]["environment"]
    urls = [v for k, v in env.items() if k.startswith("AIRFLOW_CONN_ESTATE_") and "://" in v]
    urls += [env["GOVERNANCE_STORE_URL"], env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]]
    named = {urlsplit(url).path.lstrip("/") for url in urls}
    created = set(re.findall(r"^CREATE DATABASE (\w+)", DB_SCRIPT.read_text(), re.M))
    image_made = compose["services"]["postgres"]["environment"]["POSTGRES_DB"]
    assert named == created | {image_made}
    assert {database_name(system) for system in SYSTEMS} <= created
    mounts = compose["services"]["postgres"]["volumes"]
    assert any(m.startswith(f"./{DB_SCRIPT.relative_to(DOC.parents[1])}:") for m in mounts)


def test_dockerfile_installs_the_executor_extras():
    dockerfile = (DOC.parents[1] / "Dockerfile").read_text()
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.\d+$", dockerfile, re.M)
    assert re.search(r"apache-airflow\[celery,postgres\]==\$\{AIRFLOW_VERSION\}", dockerfile)
    assert re.search(r"^ARG AIRFLOW_VERSION=3\.3\.2$", dockerfile, re.M)
    assert "-e '/opt/airflow[production]'" in dockerfile, (
        "editable, from the mounted plugins folder"
    )
    project = tomllib.loads((DOC.parents[1] / "pyproject.toml").read_text())["project"]
    pinned = re.search(r'"(apache-airflow\[celery,postgres\])==\$\{AIRFLOW_VERSION\}"', dockerfile)
    version = re.search(r"^ARG AIRFLOW_VERSION=(\S+)$", dockerfile, re.M).group(1)
    production = project["optional-dependencies"]["production"]
    assert production[0] == f"{pinned.group(1)}=={version}"
    # The executor's provider and the broker's client, pinned: the versions tests/production ran.
    assert {re.match(r"[\w.-]+", p).group() for p in production[1:]} == {
        "apache-airflow-providers-celery",
        "celery",
        "redis",
    }
    assert all(re.fullmatch(r"[\w.-]+(\[\w+\])?==[\w.]+", p) for p in production[1:]), production
    assert "privacy-governance[production]" in project["optional-dependencies"]["dev"], (
        "CI installs .[dev]: the production test needs the production extra"
    )
    assert f"apache-airflow[postgres]=={version}" in project["dependencies"]
