"""Test isolation: every test session gets its own Airflow home and governance paths.

Set before anything imports Airflow, so no test touches the project's demo state. The Airflow
metadata DB is created only for tests that ask for ``airflow_db`` (the rest never pay for it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SESSION = Path(tempfile.mkdtemp(prefix="governance-tests-"))

os.environ["AIRFLOW_HOME"] = str(_SESSION / "airflow")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = (
    f"sqlite:///{_SESSION / 'airflow' / 'airflow.db'}"
)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ["GOVERNANCE_POLICY"] = str(ROOT / "include" / "policy")
os.environ["GOVERNANCE_HOME"] = str(_SESSION / "home")
os.environ["GOVERNANCE_REPORTS"] = str(_SESSION / "reports")
os.environ["GOVERNANCE_ESTATE"] = str(_SESSION / "estate")
os.environ["GOVERNANCE_STORE_URL"] = f"sqlite:///{_SESSION / 'home' / 'governance.db'}"
os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "test-subject-key-0123456789abcdef")
os.environ.setdefault("GOVERNANCE_REQUEST_KEY", "dGVzdC1yZXF1ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGU=")
os.environ["GOVERNANCE_OUTBOX"] = str(_SESSION / "outbox")
(_SESSION / "airflow").mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """A migrated Airflow metadata DB for this session (dag.test needs one)."""
    from airflow.utils import db

    db.initdb()
