"""Test isolation: every test session gets its own Airflow home and governance paths.

Set before anything imports Airflow, so no test touches the project's demo state. The Airflow
metadata DB is created only for tests that ask for ``airflow_db`` (the rest never pay for it).

Back end: SQLite by default. ``GOVERNANCE_TEST_BACKEND=postgres`` runs the same tests against
PostgreSQL: the server named by ``GOVERNANCE_TEST_PG_SERVER``, or else the throw-away one of
``scripts/postgres`` (started if needed, with trust authentication on loopback unless
``GOVERNANCE_PG_AUTH`` says otherwise). The session then gets fresh databases of its own for
Airflow's metadata, the governance store and the ledger's PostgreSQL tests; every demo estate
built during the session lands in databases of its own on that server (one per system, a fresh
set per test module and per test, dropped when that scope ends), and ``new_database`` gives a
test fresh databases for its store or fixture sources. Everything is dropped when the session
ends. Tests reach the estate through its connections (``estate_urls``, ``AIRFLOW_CONN_*``),
never through SQLite files, so both passes run the same checks.
"""

from __future__ import annotations

import itertools
import os
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SESSION = Path(tempfile.mkdtemp(prefix="governance-tests-"))
BACKEND = os.environ.get("GOVERNANCE_TEST_BACKEND", "sqlite").strip().lower()
if BACKEND not in ("sqlite", "postgres"):
    raise pytest.UsageError(
        f"GOVERNANCE_TEST_BACKEND={BACKEND!r}: expected sqlite (the default) or postgres"
    )
POSTGRES = BACKEND == "postgres"

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
os.environ.pop("GOVERNANCE_ESTATE_SERVER", None)  # set below for the PostgreSQL pass only
os.environ.pop("GOVERNANCE_ESTATE_DATABASE_PREFIX", None)
(_SESSION / "airflow").mkdir(parents=True, exist_ok=True)


def _pg_server() -> str:
    """The server's URL (no database): the named one, or scripts/postgres's own."""
    named = os.environ.get("GOVERNANCE_TEST_PG_SERVER")
    if named:
        return named.rstrip("/")
    env = {**os.environ, "GOVERNANCE_PG_AUTH": os.environ.get("GOVERNANCE_PG_AUTH", "trust")}
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), "url"],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
    except subprocess.CalledProcessError as exc:
        raise pytest.UsageError(f"scripts/postgres could not start a server:\n{exc.stderr}") from None
    return out.stdout.strip()


#: Prefix of every database this session creates (pid + random: sessions may share a server).
TOKEN = f"t{os.getpid()}_{secrets.token_hex(3)}"
PG_SERVER = _pg_server() if POSTGRES else None
_scopes = itertools.count(1)
_admin = None


def _admin_connection():
    """One AUTOCOMMIT connection to the server's maintenance database, kept for the session
    (a scope ends for every test: a connection each time would cost more than the check)."""
    global _admin
    if _admin is None:
        import sqlalchemy as sa

        engine = sa.create_engine(
            f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )
        _admin = engine.connect()
    return _admin


def _drop_prefixed(prefix: str) -> None:
    """Drop the databases whose names start with ``prefix`` (LIKE's wildcards escaped)."""
    import sqlalchemy as sa

    conn = _admin_connection()
    pattern = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
    names = conn.execute(
        sa.text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
        {"pattern": pattern},
    ).scalars()
    for name in names.all():
        quoted = conn.dialect.identifier_preparer.quote(name)
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def pg_database(name: str) -> str:
    """A fresh database ``<session>_<name>`` on the test server; returns its SQLAlchemy URL."""
    from governance.store.server import database_url, ensure_database

    assert PG_SERVER, "pg_database: only in the PostgreSQL pass"
    database = f"{TOKEN}_{name}"
    ensure_database(PG_SERVER, database)
    return database_url(PG_SERVER, database).render_as_string(hide_password=False)


if POSTGRES:
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = pg_database("airflow")
    os.environ["GOVERNANCE_STORE_URL"] = pg_database("store")
    os.environ["GOVERNANCE_TEST_PG_URL"] = pg_database("ledger")
    os.environ["GOVERNANCE_ESTATE_SERVER"] = PG_SERVER
    os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"] = f"{TOKEN}_estate"


@pytest.fixture
def new_database(tmp_path: Path):
    """``new_database(name)`` -> the SQLAlchemy URL of a fresh, empty database for this test:
    a SQLite file in ``tmp_path``, or a new database on the server in the PostgreSQL pass."""

    def make(name: str) -> str:
        if POSTGRES:
            # Under the test's own prefix, so the database is dropped when the test ends.
            scope = os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"].removeprefix(TOKEN + "_")
            return pg_database(f"{scope}_{name}")
        return f"sqlite:///{tmp_path / f'{name}.db'}"

    return make


@pytest.fixture
def retention_estate(tmp_path: Path, monkeypatch, new_database):
    """``retention_estate(subjects, seed)`` -> the folder of a demo estate built for this test,
    with what a retention task needs in the environment: the estate's connections, a fresh
    governance store, a home for the archive, and an archive key."""
    from cryptography.fernet import Fernet

    from governance.estate import build_estate, connection_env

    def make(subjects: int, seed: int) -> Path:
        estate = tmp_path / "estate"
        build_estate(estate, subjects, seed)
        for key, value in connection_env(estate).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("GOVERNANCE_ESTATE", str(estate))
        monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
        monkeypatch.setenv("GOVERNANCE_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("GOVERNANCE_ARCHIVE_KEY", Fernet.generate_key().decode())
        return estate

    return make


@pytest.fixture(scope="session")
def session_database():
    """``session_database(name)`` -> URL of a fresh database kept for the whole session in the
    PostgreSQL pass; None in the SQLite pass (the caller keeps its own SQLite file)."""

    def make(name: str) -> str | None:
        return pg_database(f"s_{name}") if POSTGRES else None

    return make


@pytest.fixture(scope="session")
def session_estate_prefix():
    """``session_estate_prefix(name)`` -> a GOVERNANCE_ESTATE_DATABASE_PREFIX for an estate kept
    for the whole session (the per-module and per-test ones are dropped when their scope ends)
    in the PostgreSQL pass; None in the SQLite pass."""

    def make(name: str) -> str | None:
        return f"{TOKEN}_s_{name}" if POSTGRES else None

    return make


def _estate_scope(label: str) -> Iterator[None]:
    """Estates (and ``new_database``s) made in this scope get databases of their own, dropped
    when it ends."""
    if not POSTGRES:
        yield
        return
    prefix = f"{TOKEN}_{label}{next(_scopes)}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVERNANCE_ESTATE_DATABASE_PREFIX", prefix)
        yield
    _drop_prefixed(prefix + "_")


@pytest.fixture(scope="module", autouse=True)
def _module_estate_databases() -> Iterator[None]:
    yield from _estate_scope("m")


@pytest.fixture(autouse=True)
def _test_estate_databases() -> Iterator[None]:
    yield from _estate_scope("f")


def pytest_sessionfinish(session, exitstatus) -> None:
    if POSTGRES and PG_SERVER:
        try:
            _drop_prefixed(TOKEN + "_")
            _admin_connection().close()
        except Exception as exc:  # a server stopped early must not hide the test result
            print(f"\nconftest: could not drop this session's databases ({type(exc).__name__})")


def pytest_report_header(config) -> str:
    if POSTGRES:
        return f"governance back end: PostgreSQL (databases {TOKEN}_*)"
    return "governance back end: SQLite"


#: Variables whose change the engine must see: its settings and its keys' connections.
_SETTINGS_PREFIXES = ("GOVERNANCE_", "AIRFLOW_CONN_")


def _settings_follow(method):
    """``MonkeyPatch.setenv``/``delenv`` that also make the engine read its settings again."""

    def patched(self, name, *args, **kwargs):
        result = method(self, name, *args, **kwargs)
        if str(name).startswith(_SETTINGS_PREFIXES):
            from governance import settings

            settings.reset()
        return result

    return patched


def _undo_then_reset(method):
    def patched(self):
        method(self)
        from governance import settings

        settings.reset()

    return patched


# The engine reads GOVERNANCE_* once per process (governance.settings); tests change the
# environment with monkeypatch, in any fixture scope, so every such change (and its undoing)
# starts a fresh read. Patched here once, for every test and fixture.
pytest.MonkeyPatch.setenv = _settings_follow(pytest.MonkeyPatch.setenv)
pytest.MonkeyPatch.delenv = _settings_follow(pytest.MonkeyPatch.delenv)
pytest.MonkeyPatch.undo = _undo_then_reset(pytest.MonkeyPatch.undo)


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Each test starts from the environment as it is (direct os.environ writes included)."""
    from governance import settings

    settings.reset()
    yield
    settings.reset()


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """A migrated Airflow metadata DB for this session (dag.test needs one)."""
    from airflow.utils import db

    db.initdb()
