"""Locating one data subject across every source, against hand-written indexed SQL.

For each estate size, builds the demo estate with its lookup indexes (SQLite files, or
databases on a PostgreSQL server), then for many subjects times (a) the engine's locate over
all systems (exact identifiers, links, name variants; the free-text mention scan is timed
apart, as it cannot use an index) and (b) raw driver queries (sqlite3 or psycopg2, one open
connection per system) written for exactly the same lookups and link hops. Both must find
exactly the same records. Prints medians, their ratio, and the mention scan.

    scripts/with-env python bench/dsr.py [--backend sqlite|postgres] [--sizes 10000,100000]
        [--samples 25] [--workdir DIR]

``--backend postgres`` uses GOVERNANCE_BENCH_PG_SERVER, or else the throw-away server of
``scripts/postgres`` (started if needed); the estate's databases are ``bench_<size>_<system>``.
``--workdir`` keeps the built estates and reuses them in later runs (1M subjects take minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

SEED = 42
ROOT = Path(__file__).resolve().parents[1]

_STRIP = "replace(replace(replace(replace(replace(replace(replace({c},' ',''),'-',''),'+',''),'(',''),')',''),'.',''),'/','')"
EXPRESSIONS = {
    "email": "lower(trim({c}))",
    "phone": _STRIP,
    "personas_kods": _STRIP,
    "iban": "upper(" + _STRIP + ")",
    "name": "{c}",
}


def pg_server() -> str:
    """The PostgreSQL server the benchmarks use: GOVERNANCE_BENCH_PG_SERVER or scripts/postgres."""
    named = os.environ.get("GOVERNANCE_BENCH_PG_SERVER")
    if named:
        return named.rstrip("/")
    out = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), "url"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


class RawSources:
    """One plain driver connection per system: the floor the engine is held to."""

    def __init__(self, folder: Path, server: str | None) -> None:
        self.folder, self.server, self.conns = folder, server, {}
        self.mark = "%s" if server else "?"

    def cursor(self, system: str):
        if system not in self.conns:
            if self.server:
                import psycopg2
                from sqlalchemy.engine import make_url

                from governance.estate.schema import system_url

                url = make_url(system_url(system, self.server))
                self.conns[system] = psycopg2.connect(
                    host=url.host,
                    port=url.port,
                    user=url.username,
                    password=url.password,
                    dbname=url.database,
                )
                self.conns[system].autocommit = True
            else:
                self.conns[system] = sqlite3.connect(self.folder / f"{system}.db")
        return self.conns[system].cursor()

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()


def raw_locate(raw: RawSources, policy, systems, ids) -> set[tuple[str, str]]:
    """The same lookups and link hops (parents before children), written by hand."""
    from governance.sources.graph import dependants, depth
    from governance.sources.lookup import lookup_values

    found: set[tuple[str, str]] = set()
    for system in systems:
        source = policy.sources[system]
        cursor = raw.cursor(system)
        keys: dict[str, set] = {}
        for name, entity in source.entities.items():
            hits: set = set()
            for column, spec in entity.identifier_columns().items():
                kind = spec.identifier
                value = ids.get(kind)
                if not value or kind == "address":
                    continue
                values = lookup_values(kind, value)
                cursor.execute(
                    f"SELECT {entity.primary_key} FROM {entity.table} WHERE "
                    + EXPRESSIONS[kind].format(c=column)
                    + f" IN ({','.join([raw.mark] * len(values))})",
                    values,
                )
                hits.update(r[0] for r in cursor.fetchall())
            keys[name] = hits
        order = sorted(source.entities, key=lambda n: -depth(policy, f"{system}.{n}"))
        for name in order:
            for dep in dependants(policy, f"{system}.{name}"):
                child = dep.child.split(".", 1)[1]
                parents = list(keys.get(name, ()))
                for start in range(0, len(parents), 500):
                    chunk = parents[start : start + 500]
                    cursor.execute(
                        f"SELECT {source.entities[child].primary_key} "
                        f"FROM {source.entities[child].table} WHERE {dep.fk_column} IN "
                        f"({','.join([raw.mark] * len(chunk))})",
                        chunk,
                    )
                    keys.setdefault(child, set()).update(r[0] for r in cursor.fetchall())
        found.update((f"{system}.{name}", str(k)) for name, ks in keys.items() for k in ks)
        cursor.close()
    return found


def _reusable(folder: Path, subjects: int) -> float | None:
    """Seconds the kept estate in ``folder`` took to build, if it is complete and the same
    size and seed (``--workdir`` keeps estates between runs: 1M subjects take minutes)."""
    ready = folder / "bench-ready"
    manifest = folder / "manifest.json"
    if not ready.exists() or not manifest.exists():
        return None
    built = json.loads(manifest.read_text())
    if built.get("subjects") != subjects or built.get("seed") != SEED:
        return None
    return float(ready.read_text())


def measure(
    workdir: Path, subjects: int, samples: int, server: str | None, mention_samples: int = 5
) -> dict:
    from governance.dsr.identifiers import parse_identifiers
    from governance.dsr.locate import locate_in_system
    from governance.dsr.tasks import searchable_systems
    from governance.estate import build_estate, connection_env, subject
    from governance.estate.schema import system_url
    from governance.policy import load_policy
    from governance.sources import SqlSources
    from governance.sources.lookup import ensure_lookup_indexes
    from governance.store.engine import create_store_engine

    backend = "postgres" if server else "sqlite"
    folder = workdir / f"estate-{backend}-{subjects}" if server else workdir / f"estate-{subjects}"
    if server:
        os.environ["GOVERNANCE_ESTATE_SERVER"] = server
        os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"] = f"bench_{subjects}"
    started = time.perf_counter()
    policy = load_policy()
    systems = searchable_systems(policy)
    built = _reusable(folder, subjects)
    if built is None:
        build_estate(folder, subjects, SEED)
        for system in systems:
            url = system_url(system) if server else f"sqlite:///{folder / (system + '.db')}"
            engine = create_store_engine(url)
            ensure_lookup_indexes(policy, engine, system)
            engine.dispose()
        build_seconds = time.perf_counter() - started
        (folder / "bench-ready").write_text(f"{build_seconds:.1f}")
    else:
        build_seconds = built
    os.environ.update(connection_env(folder))
    sources = SqlSources(policy)
    raw = RawSources(folder, server)
    rng = random.Random(7)
    engine_times, raw_times, mention_times, exact_times, found = [], [], [], [], []
    for n, index in enumerate(rng.sample(range(subjects), samples)):
        p = subject(SEED, index)
        ids = parse_identifiers(
            {
                "email": p.email,
                "phone": p.phone,
                "personas_kods": p.personas_kods,
                "name": p.full_name,
            }
        )
        if n == 0:  # warm both sides' connections and the engine's statements, untimed
            for system in systems:
                locate_in_system(policy, sources, system, ids, mentions=False)
            raw_locate(raw, policy, systems, ids.values)
        # Whichever side reads a subject first pays for the cold pages (a few ms at 1M):
        # each side goes first for half the subjects.
        sides = ("engine", "raw") if n % 2 == 0 else ("raw", "engine")
        for side in sides:
            start = time.perf_counter()
            if side == "engine":
                hits = [
                    f
                    for system in systems
                    for f in locate_in_system(policy, sources, system, ids, mentions=False)
                ]
                engine_times.append(time.perf_counter() - start)
            else:
                raw_found = raw_locate(raw, policy, systems, ids.values)
                raw_times.append(time.perf_counter() - start)
        exact = parse_identifiers(
            {"email": p.email, "phone": p.phone, "personas_kods": p.personas_kods}
        )
        start = time.perf_counter()
        for system in systems:
            locate_in_system(policy, sources, system, exact, mentions=False)
        exact_times.append(time.perf_counter() - start)
        if n < mention_samples:  # the scan takes seconds at 1M; a few samples tell its cost
            start = time.perf_counter()
            for system in systems:
                locate_in_system(policy, sources, system, ids, mentions=True)
            mention_times.append(time.perf_counter() - start)
        found.append(len(hits))
        if {(f.entity, f.key) for f in hits} != raw_found:
            raise SystemExit(f"subject {index}: the engine and the raw SQL found different records")
    tracemalloc.start()  # traced apart: tracing slows what it traces
    for system in systems:
        locate_in_system(policy, sources, system, ids, mentions=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sources.dispose()
    raw.close()
    engine_median = statistics.median(engine_times)
    raw_median = statistics.median(raw_times)
    return {
        "subjects": subjects,
        "build_s": build_seconds,
        "engine_ms": engine_median * 1000,
        "raw_ms": raw_median * 1000,
        "ratio": engine_median / raw_median,
        "exact_ms": statistics.median(exact_times) * 1000,
        "with_mentions_ms": statistics.median(mention_times) * 1000,
        "peak_mib": peak / 2**20,
        "records": statistics.median(found),
        "backend": backend,
    }


def _drop_estates(server: str, sizes: list[int]) -> None:
    from governance.store.server import databases_with_prefix, drop_databases

    for size in sizes:
        drop_databases(server, databases_with_prefix(server, f"bench_{size}_"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--samples", type=int, default=25)
    parser.add_argument(
        "--workdir", type=Path, help="keep the built estates here and reuse them in later runs"
    )
    args = parser.parse_args()
    os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "bench-key-0123456789abcdef")
    sizes = [int(s) for s in args.sizes.split(",")]
    server = pg_server() if args.backend == "postgres" else None
    results = []
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workdir.mkdir(parents=True, exist_ok=True)
        if server and not args.workdir:
            stack.callback(_drop_estates, server, sizes)
        for size in sizes:
            results.append(measure(workdir, size, args.samples, server))
    print(f"back end: {args.backend}\n")
    print(
        "| subjects | records per subject (median) | engine locate ms | raw indexed SQL ms | "
        "engine / raw | exact identifiers only ms | with free-text mention scan ms | peak MiB | "
        "estate build s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['subjects']:,} | {r['records']:.0f} | {r['engine_ms']:.1f} | {r['raw_ms']:.1f} | "
            f"{r['ratio']:.2f} | {r['exact_ms']:.1f} | {r['with_mentions_ms']:.0f} | {r['peak_mib']:.1f} | {r['build_s']:.0f} |"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"\n{last['subjects']:,} vs {first['subjects']:,} subjects (flat = 1): exact identifiers "
            f"{last['exact_ms'] / first['exact_ms']:.2f}x; with the name "
            f"{last['engine_ms'] / first['engine_ms']:.2f}x, following the records a name matches "
            f"({first['records']:.0f} -> {last['records']:.0f}): per record "
            f"{(last['engine_ms'] / last['records']) / (first['engine_ms'] / first['records']):.2f}x"
        )


if __name__ == "__main__":
    main()
