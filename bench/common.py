"""What every benchmark shares: the back-end options, the PostgreSQL server, the demo estates
(built once, reused between runs) and identical throw-away copies of a system's database.

Command-line convention of every ``bench/*.py`` that runs on the demo estate::

    --backend sqlite|postgres   where the estate's databases live (default sqlite)
    --sizes N[,N...]            estate sizes in subjects (each script has its own default)
    --workdir DIR               where estates are kept and reused (default GOVERNANCE_BENCH_WORKDIR,
                                else ${TMPDIR:-/tmp}/governance-bench)

PostgreSQL is the server named by ``GOVERNANCE_BENCH_PG_SERVER`` (a SQLAlchemy URL without a
database), or else a throw-away loopback server of ``scripts/postgres`` in its own folder
``${TMPDIR:-/tmp}/governance-bench-postgres`` (so the test suite's server is never touched, and
an estate built there survives until the machine restarts). The estate of N subjects (seed 42)
lives in SQLite files in ``<workdir>/estate-<N>``, or in the databases ``bench_<N>_<system>``
with its files and manifest in ``<workdir>/estate-postgres-<N>``; a ``bench-ready.json`` marker
is written only after the build, its lookup indexes and (PostgreSQL) ``VACUUM ANALYZE`` finished.
Benchmarks never change a kept estate: they work on copies (:func:`copy_of`).

Each benchmark prints, besides its own tables, one ``BENCH-SUMMARY {json}`` line per comparison
(:func:`emit_summary`); bench/run_all.py gathers them into bench/results/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 42
BACKENDS = ("sqlite", "postgres")


def add_arguments(parser: argparse.ArgumentParser, sizes: str) -> None:
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite")
    parser.add_argument(
        "--sizes",
        default=sizes,
        help=f"estate sizes in subjects, comma-separated (default {sizes})",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=default_workdir(),
        help="keep the built estates here and reuse them in later runs",
    )


def sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def default_workdir() -> Path:
    named = os.environ.get("GOVERNANCE_BENCH_WORKDIR")
    if named:
        return Path(named)
    return Path(os.environ.get("TMPDIR") or "/tmp") / "governance-bench"


def pg_server() -> str:
    """The benchmark server's URL (no database), started if needed."""
    named = os.environ.get("GOVERNANCE_BENCH_PG_SERVER")
    if named:
        return named.rstrip("/")
    env = dict(os.environ)
    env.setdefault(
        "GOVERNANCE_PG_DIR",
        str(Path(os.environ.get("TMPDIR") or "/tmp") / "governance-bench-postgres"),
    )
    out = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), "url"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    os.environ["GOVERNANCE_BENCH_PG_SERVER"] = out.stdout.strip()  # children reuse it
    return os.environ["GOVERNANCE_BENCH_PG_SERVER"]


def pg_version(server: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(_admin_url(server), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SHOW server_version")).scalar_one().split()[0]
    finally:
        engine.dispose()


def _admin_url(server: str):
    from sqlalchemy.engine import make_url

    return make_url(server).set(database="postgres")


# -- the demo estate ---------------------------------------------------------------------------
@dataclass
class Estate:
    backend: str
    subjects: int
    folder: Path
    server: str | None
    prefix: str | None
    build_seconds: float
    index_seconds: float
    rows: int
    reused: bool
    index_in_build: bool = False  # kept by an older bench/dsr.py: build_seconds include indexes

    def database(self, system: str) -> str:
        """The system's database: a file path (SQLite) or a database name (PostgreSQL)."""
        if self.server:
            return f"{self.prefix}_{system}"
        return str(self.folder / f"{system}.db")

    def url(self, system: str, database: str | None = None) -> str:
        database = database or self.database(system)
        if self.server:
            from governance.store.server import database_url

            return database_url(self.server, database).render_as_string(hide_password=False)
        return f"sqlite:///{database}"

    def connection_env(self) -> dict[str, str]:
        """The ``AIRFLOW_CONN_ESTATE_*`` variables for this estate (as scripts/with-env sets)."""
        from governance.estate import connection_env

        with _prefix(self.prefix):
            return connection_env(self.folder, self.server)

    def use(self) -> None:
        """Point this process's estate connections (and the estate settings) at this estate."""
        os.environ.update(self.connection_env())
        os.environ["GOVERNANCE_ESTATE"] = str(self.folder)
        if self.server:
            os.environ["GOVERNANCE_ESTATE_SERVER"] = self.server
            os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"] = self.prefix or ""
        else:
            os.environ.pop("GOVERNANCE_ESTATE_SERVER", None)
            os.environ.pop("GOVERNANCE_ESTATE_DATABASE_PREFIX", None)
        _settings_changed()


@contextmanager
def _prefix(prefix: str | None) -> Iterator[None]:
    old = os.environ.get("GOVERNANCE_ESTATE_DATABASE_PREFIX")
    if prefix:
        os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"] = prefix
        _settings_changed()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("GOVERNANCE_ESTATE_DATABASE_PREFIX", None)
        else:
            os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"] = old
        _settings_changed()


def _settings_changed() -> None:
    """The engine reads its GOVERNANCE_* settings once per process: read them again."""
    from governance import settings

    settings.reset()


def _server_identity(server: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(server)
    return f"{url.host}:{url.port}"


def _database_exists(server: str, name: str) -> bool:
    import sqlalchemy as sa

    engine = sa.create_engine(_admin_url(server), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT 1 FROM pg_database WHERE datname = :n")
            return conn.execute(query, {"n": name}).first() is not None
    finally:
        engine.dispose()


def estate_folder(workdir: Path, backend: str, subjects: int) -> Path:
    """``<workdir>/estate-<N>`` (SQLite) or ``<workdir>/estate-postgres-<N>``."""
    name = f"estate-{subjects}" if backend == "sqlite" else f"estate-{backend}-{subjects}"
    return (workdir / name).resolve()


def _reusable(folder: Path, backend: str, subjects: int, server: str | None) -> dict | None:
    """The kept estate's record, if it is complete (its marker is written last), of this size
    and seed, and its databases are still there. Also takes the plain ``bench-ready`` marker
    (the build's seconds) an older bench/dsr.py writes."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        return None
    manifest = json.loads(manifest_path.read_text())
    marker = folder / "bench-ready.json"
    if marker.exists():
        ready = json.loads(marker.read_text())
    elif (folder / "bench-ready").exists():
        ready = {
            "backend": backend,
            "subjects": manifest.get("subjects"),
            "seed": manifest.get("seed"),
            "server": _server_identity(server) if server else None,
            "prefix": f"bench_{subjects}" if server else None,
            "build_seconds": float((folder / "bench-ready").read_text()),  # with its indexes
            "index_seconds": 0.0,
            "index_in_build": True,
            "rows": manifest.get("rows"),
        }
    else:
        return None
    if (ready.get("backend"), ready.get("subjects"), ready.get("seed")) != (
        backend,
        subjects,
        SEED,
    ):
        return None
    if (manifest.get("subjects"), manifest.get("seed")) != (subjects, SEED):
        return None
    from governance.estate import SYSTEMS

    if server:
        if ready.get("server") != _server_identity(server):
            return None
        if not all(_database_exists(server, f"{ready['prefix']}_{s}") for s in SYSTEMS):
            return None
    elif not all((folder / f"{s}.db").exists() for s in SYSTEMS):
        return None
    return ready


def estate(
    backend: str, subjects: int, workdir: Path, *, log: Callable[[str], None] = print
) -> Estate:
    """The demo estate of ``subjects`` people (seed 42) on ``backend``, with the data map's
    lookup indexes: reused from ``workdir`` when an earlier run built it, else built now."""
    from governance.estate import SYSTEMS, build_estate
    from governance.policy import load_policy
    from governance.sources.lookup import ensure_lookup_indexes
    from governance.store.engine import create_store_engine

    server = pg_server() if backend == "postgres" else None
    prefix = f"bench_{subjects}" if server else None
    folder = estate_folder(workdir, backend, subjects)
    ready = _reusable(folder, backend, subjects, server)
    if ready is None:
        log(f"building the {subjects:,}-subject estate on {backend} (once; kept in {folder})")
        folder.parent.mkdir(parents=True, exist_ok=True)
        (folder / "bench-ready.json").unlink(missing_ok=True)
        (folder / "bench-ready").unlink(missing_ok=True)
        old = os.environ.get("GOVERNANCE_ESTATE_SERVER")
        if server:
            os.environ["GOVERNANCE_ESTATE_SERVER"] = server
        else:
            os.environ.pop("GOVERNANCE_ESTATE_SERVER", None)
        try:
            with _prefix(prefix):
                started = time.perf_counter()
                build_peak, manifest = peak_rss(lambda: build_estate(folder, subjects, SEED))
                build_seconds = time.perf_counter() - started
                started = time.perf_counter()
                policy = load_policy()
                for system in SYSTEMS:
                    url = Estate(backend, subjects, folder, server, prefix, 0, 0, 0, False).url(
                        system
                    )
                    engine = create_store_engine(url)
                    if system in policy.sources:
                        ensure_lookup_indexes(policy, engine, system)
                    if server:  # fresh statistics, as autovacuum would give a settled system
                        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                            c.exec_driver_sql("VACUUM ANALYZE")
                    engine.dispose()
                index_seconds = time.perf_counter() - started
        finally:
            if old is None:
                os.environ.pop("GOVERNANCE_ESTATE_SERVER", None)
            else:
                os.environ["GOVERNANCE_ESTATE_SERVER"] = old
        ready = {
            "backend": backend,
            "subjects": subjects,
            "seed": SEED,
            "server": _server_identity(server) if server else None,
            "prefix": prefix,
            "build_seconds": round(build_seconds, 1),
            "index_seconds": round(index_seconds, 1),
            "rows": manifest["rows"],
            "files": manifest["files"],
            "build_peak_rss_mib": round(build_peak, 1),
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        (folder / "bench-ready.json").write_text(json.dumps(ready, indent=2))
        (folder / "bench-ready").write_text(f"{build_seconds + index_seconds:.1f}")
        reused = False
    else:
        reused = True
    return Estate(
        backend,
        subjects,
        folder,
        server,
        prefix,
        ready["build_seconds"],
        ready["index_seconds"],
        ready["rows"],
        reused,
        bool(ready.get("index_in_build")),
    )


# -- identical copies --------------------------------------------------------------------------
@contextmanager
def copy_of(estate: Estate, system: str, label: str) -> Iterator[str]:
    """A throw-away copy of ``system``'s database; yields its SQLAlchemy URL, drops it after.

    PostgreSQL: ``CREATE DATABASE … TEMPLATE`` (a file-level copy, with its indexes and
    statistics), then ``VACUUM ANALYZE`` so both copies start alike. SQLite: a file copy."""
    if estate.server:
        import sqlalchemy as sa

        from governance.store.server import drop_databases

        name = f"{estate.database(system)}_{label}"
        drop_databases(estate.server, [name])
        admin = sa.create_engine(
            _admin_url(estate.server), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )
        deadline = time.monotonic() + 1800
        while True:  # a template must have no other session (another benchmark may be reading)
            try:
                with admin.connect() as conn:
                    conn.exec_driver_sql(
                        f'CREATE DATABASE "{name}" TEMPLATE "{estate.database(system)}"'
                    )
                break
            except sa.exc.OperationalError as exc:
                if "being accessed by other users" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(2)
        admin.dispose()
        url = estate.url(system, name)
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
        try:
            yield url
        finally:
            drop_databases(estate.server, [name])
    else:
        source = Path(estate.database(system))
        target = source.with_name(f"{source.stem}_{label}.db")
        with sqlite3.connect(source) as conn:  # fold any WAL into the file before copying
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(source, target)
        try:
            yield f"sqlite:///{target}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)


def airflow_uri(url: str) -> str:
    """A SQLAlchemy URL in the form ``AIRFLOW_CONN_*`` takes (as governance.estate.connection_env
    writes them): point one source system at a copy with
    ``os.environ["AIRFLOW_CONN_ESTATE_<SYSTEM>"] = airflow_uri(url)``."""
    from urllib.parse import quote

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "sqlite://" + quote(parsed.database, safe="")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


# -- measuring ---------------------------------------------------------------------------------
def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def traced(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(peak traced Python MiB, result). tracemalloc slows every allocation: never time this."""
    tracemalloc.start()
    try:
        result = fn()
        return tracemalloc.get_traced_memory()[1] / 2**20, result
    finally:
        tracemalloc.stop()


def rss_mib() -> float:
    """This process's resident memory now (MiB), 0 where /proc is missing."""
    return _status_kib("VmRSS") / 1024


def peak_rss(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(growth of the resident set's high-water mark while ``fn`` ran, in MiB; result).

    Counts what tracemalloc cannot see (the database driver's C buffers, SQLite's page cache).
    Resets the kernel's high-water mark first (Linux: ``5`` into /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return 0.0, fn()
    before = _status_kib("VmRSS")
    result = fn()
    return max(_status_kib("VmHWM") - before, 0) / 1024, result


def _status_kib(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def emit_summary(rows: list[dict[str, Any]]) -> None:
    """One machine-readable line per measured comparison, for bench/run_all.py's summary table.

    Keys: benchmark, backend, size, ours, raw, ratio, target, met, peak_mib (and note)."""
    for row in rows:
        print("BENCH-SUMMARY " + json.dumps(row, ensure_ascii=False), flush=True)
