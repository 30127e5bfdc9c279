"""One typed configuration, read once per process; one loader for the three secret keys."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from governance import keys, settings
from governance.errors import ConfigurationError

ENGINE = Path(settings.__file__).parent


def test_the_configuration_is_read_once_until_reset(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "first"))
    assert settings.reports_dir() == tmp_path / "first"
    os.environ["GOVERNANCE_REPORTS"] = str(tmp_path / "second")  # behind the settings' back
    try:
        assert settings.reports_dir() == tmp_path / "first"  # read once
        settings.reset()
        assert settings.reports_dir() == tmp_path / "second"
    finally:
        monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "first"))


def test_the_accessors_default_inside_the_checkout(monkeypatch, tmp_path):
    for name in ("POLICY", "HOME", "STORE_URL", "OUTBOX", "ESTATE_DATABASE_PREFIX", "DPO_USERS"):
        monkeypatch.delenv(f"GOVERNANCE_{name}", raising=False)
    root = settings.PROJECT_ROOT
    assert settings.policy_dir() == root / "include" / "policy"
    assert settings.governance_home() == root / ".governance"
    assert settings.store_url() == f"sqlite:///{root / '.governance' / 'governance.db'}"
    assert str(settings.outbox_root()) == str(root / ".governance" / "outbox")
    assert settings.estate_database_prefix() == "estate"
    assert settings.dpo_users() == ()
    monkeypatch.setenv("GOVERNANCE_DPO_USERS", " dpo, anna ,,")
    monkeypatch.setenv("GOVERNANCE_HOME", "")  # empty counts as unset
    assert settings.dpo_users() == ("dpo", "anna")
    assert settings.governance_home() == root / ".governance"


def test_a_malformed_url_names_the_variable_and_never_the_value(monkeypatch):
    monkeypatch.setenv("GOVERNANCE_STORE_URL", "postgres-with-s3cret-password")
    with pytest.raises(ConfigurationError) as caught:
        settings.store_url()
    assert caught.value.field == "GOVERNANCE_STORE_URL"
    assert "expected a SQLAlchemy URL" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def _spec(name: str = "request_key") -> keys.KeySpec:
    return keys.KeySpec(
        name=name,
        connection="governance_request_key",
        what="request encryption key",
        expected="a Fernet key",
        make="Fernet.generate_key()",
        valid=lambda value: len(value) == 44,
    )


def test_one_loader_environment_first_then_the_connection_then_a_clear_refusal(monkeypatch):
    env_key, conn_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.delenv("GOVERNANCE_REQUEST_KEY", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_GOVERNANCE_REQUEST_KEY", raising=False)
    with pytest.raises(ConfigurationError) as missing:
        keys.load_key(_spec())
    text = str(missing.value)
    assert "GOVERNANCE_REQUEST_KEY" in text and "'governance_request_key'" in text
    assert "AIRFLOW_CONN_GOVERNANCE_REQUEST_KEY" in text and missing.value.field
    monkeypatch.setenv(
        "AIRFLOW_CONN_GOVERNANCE_REQUEST_KEY",
        json.dumps({"conn_type": "generic", "password": conn_key}),
    )
    assert keys.load_key(_spec()) == conn_key.encode()
    monkeypatch.setenv("GOVERNANCE_REQUEST_KEY", env_key)
    assert keys.load_key(_spec()) == env_key.encode()
    monkeypatch.setenv("GOVERNANCE_REQUEST_KEY", "too-short-s3cret")
    with pytest.raises(ConfigurationError, match=r"^GOVERNANCE_REQUEST_KEY: expected a Fernet"):
        keys.load_key(_spec())


def test_a_key_is_resolved_once_per_process(monkeypatch):
    first = Fernet.generate_key().decode()
    monkeypatch.setenv("GOVERNANCE_REQUEST_KEY", first)
    assert keys.load_key(_spec()) == first.encode()
    os.environ["GOVERNANCE_REQUEST_KEY"] = Fernet.generate_key().decode()
    try:
        assert keys.load_key(_spec()) == first.encode()
    finally:
        monkeypatch.setenv("GOVERNANCE_REQUEST_KEY", first)


def test_the_three_keys_share_the_loader():
    from governance.archive.store import ARCHIVE_KEY
    from governance.dsr.crypto import REQUEST_KEY
    from governance.identity.pseudonym import SUBJECT_KEY

    assert [s.env for s in (SUBJECT_KEY, REQUEST_KEY, ARCHIVE_KEY)] == [
        "GOVERNANCE_SUBJECT_KEY",
        "GOVERNANCE_REQUEST_KEY",
        "GOVERNANCE_ARCHIVE_KEY",
    ]


def _environment_reads(path: Path) -> list[str]:
    """``os.environ.get("GOVERNANCE_…")``, ``os.environ["GOVERNANCE_…"]``, ``os.getenv(…)``,
    also with the name built in place (an f-string or a sum)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        key = None
        if isinstance(node, ast.Call) and node.args:
            if ast.unparse(node.func) in ("os.environ.get", "os.getenv", "os.environ.setdefault"):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        if key is not None and "GOVERNANCE_" in ast.unparse(key):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_only_settings_reads_governance_variables():
    reads = []
    for path in sorted(ENGINE.rglob("*.py")):
        if path != ENGINE / "settings.py":
            reads += [f"{path.relative_to(ENGINE)}: {r}" for r in _environment_reads(path)]
    assert reads == []
    # The check sees such reads where they are (this file writes one above):
    assert _environment_reads(Path(__file__))
