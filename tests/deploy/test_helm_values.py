"""deploy/helm/values.yaml, the KubernetesExecutor path on Airflow's official Helm chart: its keys
are the chart's, with the chart's types, and what it shares with docker-compose.yml agrees.

The chart's own ``values.schema.json`` is not in any package registry these machines reach, and
fetched public files are not committed here; so the keys this file uses are checked against
``CHART_KEYS`` below, written by hand from the chart's schema (the names and types of the
Airflow 3 charts' values). With ``GOVERNANCE_HELM_VALUES_SCHEMA`` naming the chart's file
(``helm pull apache-airflow/airflow --untar`` puts it in ``airflow/values.schema.json``), the
values are also validated against the whole schema.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import yaml

from .compose_files import ENV_EXAMPLE as _ENV_EXAMPLE
from .compose_files import ROOT, compose_with, read_env_file

VALUES = ROOT / "deploy" / "helm" / "values.yaml"

_string = {"type": "string"}
_bool = {"type": "boolean"}
_enabled = {"type": "object", "properties": {"enabled": _bool}, "required": ["enabled"]}
_name_value = {
    "type": "object",
    "properties": {"name": _string, "value": _string},
    "required": ["name", "value"],
    "additionalProperties": False,
}
_secret_env = {
    "type": "object",
    "properties": {"envName": _string, "secretName": _string, "secretKey": _string},
    "required": ["envName", "secretName", "secretKey"],
    "additionalProperties": False,
}
_replicas = {"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}}

#: The chart's values this file uses, with the chart's types (an unknown key fails).
CHART_KEYS = {
    "$schema": "http://json-schema.org/draft-07/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["executor", "images", "env", "secret"],
    "properties": {
        "executor": {
            "type": "string",
            "enum": [
                "LocalExecutor",
                "CeleryExecutor",
                "KubernetesExecutor",
                "CeleryExecutor,KubernetesExecutor",
            ],
        },
        "airflowVersion": _string,
        "defaultAirflowTag": _string,
        "images": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "airflow": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "repository": _string,
                        "tag": _string,
                        "pullPolicy": {
                            "type": "string",
                            "enum": ["Always", "Never", "IfNotPresent"],
                        },
                    },
                }
            },
        },
        "redis": _enabled,
        "postgresql": _enabled,
        "pgbouncer": _enabled,
        "data": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"metadataSecretName": _string, "resultBackendSecretName": _string},
        },
        "fernetKeySecretName": _string,
        "jwtSecretName": _string,
        "apiSecretKeySecretName": _string,
        "secret": {"type": "array", "items": _secret_env},
        "env": {"type": "array", "items": _name_value},
        "volumes": {"type": "array", "items": {"type": "object"}},
        "volumeMounts": {"type": "array", "items": {"type": "object"}},
        "config": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": ["string", "integer", "boolean", "number"]},
            },
        },
        "dags": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"persistence": _enabled, "gitSync": _enabled},
        },
        "logs": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"persistence": _enabled},
        },
        "apiServer": _replicas,
        "scheduler": _replicas,
        "triggerer": _replicas,
        "dagProcessor": _enabled,
        "migrateDatabaseJob": _enabled,
    },
}


def _values() -> dict:
    return yaml.safe_load(VALUES.read_text())


def _errors(schema: dict, values: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in validator.iter_errors(values)
    ]


def test_the_values_use_the_charts_keys_with_its_types():
    assert _errors(CHART_KEYS, _values()) == []


def test_the_check_fails_on_a_misspelt_key_or_a_wrong_type():
    broken = {**_values(), "exector": "KubernetesExecutor"}
    assert any("exector" in e for e in _errors(CHART_KEYS, broken))
    broken = {**_values(), "env": [{"name": "X", "value": 1}]}
    assert _errors(CHART_KEYS, broken)
    broken = {**_values(), "executor": "KubernetesExecutr"}
    assert _errors(CHART_KEYS, broken)


def test_the_values_validate_against_the_charts_own_schema_when_given():
    """The chart's whole ``values.schema.json`` (an operator with the chart at hand)."""
    named = os.environ.get("GOVERNANCE_HELM_VALUES_SCHEMA")
    schemas = [CHART_KEYS] + ([json.loads(Path(named).read_text())] if named else [])
    for schema in schemas:
        assert _errors(schema, _values()) == []


def test_kubernetes_executor_without_a_broker_on_the_projects_image():
    values = _values()
    assert values["executor"] == "KubernetesExecutor"
    assert values["redis"]["enabled"] is False
    assert values["airflowVersion"] == values["defaultAirflowTag"] == "3.3.2"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM apache/airflow:3.3.2-" in dockerfile, (
        "the image the chart runs is the Dockerfile's"
    )


def test_what_compose_and_the_chart_both_set_agrees():
    """One source of truth for the settings both deployments share (the auth manager among
    them: switching it in docker-compose.yml fails here until the chart follows)."""
    compose = compose_with(read_env_file(_ENV_EXAMPLE))["x-airflow-common"]["environment"]
    env = {item["name"]: item["value"] for item in _values()["env"]}
    auth = {k for k in compose if "AUTH_MANAGER" in k and "PASSWORDS_FILE" not in k}
    shared = auth | {
        "AIRFLOW__CORE__LOAD_EXAMPLES",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL",
        "GOVERNANCE_POLICY",
        "GOVERNANCE_HOME",
    }
    assert auth, "docker-compose.yml sets the auth manager"
    for key in sorted(shared):
        assert env.get(key) == str(compose[key]), key


def test_every_key_and_source_of_compose_comes_from_a_kubernetes_secret():
    compose = compose_with(read_env_file(_ENV_EXAMPLE))["x-airflow-common"]["environment"]
    from_secrets = {item["envName"] for item in _values()["secret"]}
    wanted = {k for k in compose if k.startswith("AIRFLOW_CONN_ESTATE_")} | {
        "GOVERNANCE_SUBJECT_KEY",
        "GOVERNANCE_ARCHIVE_KEY",
        "GOVERNANCE_REQUEST_KEY",
        "GOVERNANCE_STORE_URL",
    }
    assert wanted <= from_secrets
    env = {item["name"] for item in _values()["env"]}
    assert not (env & from_secrets), "a secret also in plain env"
    assert not any("KEY" in name and "SECRET_KEY" not in name for name in env)
