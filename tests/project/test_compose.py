"""docker-compose.yml cannot be run here (no Docker engine); check what can be checked."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_their_wiring():
    compose = _compose()
    services = compose["services"]
    assert {
        "postgres",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
    } <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    for name in (
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
    ):
        assert (
            services[name]["depends_on"]["airflow-init"]["condition"]
            == "service_completed_successfully"
        )
    assert services["airflow-apiserver"]["ports"] == ["127.0.0.1:8080:8080"]


def test_every_demo_source_has_a_connection_and_secrets_come_from_env():
    from governance.policy import load_policy

    env = _compose()["services"]["airflow-scheduler"]["environment"]
    for source in load_policy().sources.values():
        if source.conn_id == "governance_store":  # built in: follows GOVERNANCE_STORE_URL
            assert "GOVERNANCE_STORE_URL" in env
            continue
        assert f"AIRFLOW_CONN_{source.conn_id.upper()}" in env
    for secret in (
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "GOVERNANCE_SUBJECT_KEY",
        "GOVERNANCE_ARCHIVE_KEY",
        "GOVERNANCE_REQUEST_KEY",
    ):
        assert env[secret] == "${" + secret + "}"
        assert f"{secret}=" in (ROOT / ".env.example").read_text()


def test_mounted_paths_and_init_script_exist():
    volumes = _compose()["x-airflow-common"]["volumes"]
    for volume in volumes:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).is_dir(), source
    assert (ROOT / "scripts/compose/create-governance-db.sql").is_file()
    assert "apache/airflow:3.3.2" in (ROOT / "Dockerfile").read_text()
