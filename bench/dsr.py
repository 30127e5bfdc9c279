"""Locating one data subject across every source, against hand-written indexed SQL.

For each estate size, builds the demo estate with its lookup indexes, then for many subjects
times (a) the engine's locate over all systems (exact identifiers, links, name variants; the
free-text mention scan is timed apart, as it cannot use an index) and (b) raw sqlite3 queries
written for exactly the same lookups. Prints medians, their ratio, and the mention scan.

    scripts/with-env python bench/dsr.py [--sizes 10000,100000] [--samples 25]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

SEED = 42


def _raw_locate(folder: Path, policy, ids) -> int:
    """The same lookups, written directly against sqlite3: the floor the engine is held to."""
    from governance.sources.graph import dependants
    from governance.sources.lookup import lookup_values

    expressions = {
        "email": "lower(trim({c}))",
        "phone": "replace(replace(replace(replace(replace(replace(replace({c},' ',''),'-',''),'+',''),'(',''),')',''),'.',''),'/','')",
        "personas_kods": "replace(replace(replace(replace(replace(replace(replace({c},' ',''),'-',''),'+',''),'(',''),')',''),'.',''),'/','')",
        "iban": "upper(replace(replace(replace(replace(replace(replace(replace({c},' ',''),'-',''),'+',''),'(',''),')',''),'.',''),'/',''))",
        "name": "{c}",
    }
    from governance.dsr.tasks import searchable_systems

    found = 0
    for system in searchable_systems(policy):
        source = policy.sources[system]
        conn = sqlite3.connect(folder / f"{system}.db")
        keys: dict[str, set] = {}
        for name, entity in source.entities.items():
            hits: set = set()
            for column, spec in entity.identifier_columns().items():
                kind = spec.identifier
                value = ids.get(kind)
                if not value or kind == "address":
                    continue
                values = lookup_values(kind, value)
                sql = (
                    f"SELECT {entity.primary_key} FROM {entity.table} WHERE "
                    + expressions[kind].format(c=column)
                    + f" IN ({','.join('?' * len(values))})"
                )
                hits.update(r[0] for r in conn.execute(sql, values))
            keys[name] = hits
        for name in list(source.entities):
            for dep in dependants(policy, f"{system}.{name}"):
                child = dep.child.split(".", 1)[1]
                parents = keys.get(name, set())
                if parents:
                    rows = conn.execute(
                        f"SELECT id FROM {source.entities[child].table} WHERE {dep.fk_column} IN "
                        f"({','.join('?' * len(parents))})",
                        list(parents),
                    )
                    keys.setdefault(child, set()).update(r[0] for r in rows)
        found += sum(len(v) for v in keys.values())
        conn.close()
    return found


def measure(workdir: Path, subjects: int, samples: int) -> dict:
    from governance.dsr.identifiers import parse_identifiers
    from governance.dsr.locate import locate_in_system
    from governance.dsr.tasks import searchable_systems
    from governance.estate import build_estate, connection_env, subject
    from governance.policy import load_policy
    from governance.sources import SqlSources
    from governance.sources.lookup import ensure_lookup_indexes
    from governance.store.engine import create_store_engine

    folder = workdir / f"estate-{subjects}"
    started = time.perf_counter()
    build_estate(folder, subjects, SEED)
    policy = load_policy()
    systems = searchable_systems(policy)
    for system in systems:
        engine = create_store_engine(f"sqlite:///{folder / (system + '.db')}")
        ensure_lookup_indexes(policy, engine, system)
        engine.dispose()
    build_seconds = time.perf_counter() - started
    os.environ.update(connection_env(folder))
    sources = SqlSources(policy)
    rng = random.Random(7)
    engine_times, raw_times, mention_times, found = [], [], [], []
    peak = 0
    for n, index in enumerate(rng.sample(range(subjects), samples)):
        p = subject(SEED, index)
        ids = parse_identifiers(
            {"email": p.email, "phone": p.phone, "personas_kods": p.personas_kods, "name": p.full_name}
        )
        if n == 0:  # warm the engines and reflected tables once, outside the timings
            for system in systems:
                locate_in_system(policy, sources, system, ids, mentions=False)
        trace = n == samples - 1
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        hits = [
            f
            for system in systems
            for f in locate_in_system(policy, sources, system, ids, mentions=False)
        ]
        engine_times.append(time.perf_counter() - start)
        if trace:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        start = time.perf_counter()
        raw_found = _raw_locate(folder, policy, ids.values)
        raw_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for system in systems:
            locate_in_system(policy, sources, system, ids, mentions=True)
        mention_times.append(time.perf_counter() - start)
        found.append((len(hits), raw_found))
    sources.dispose()
    mismatched = sum(1 for ours, raw in found if ours < raw)
    assert mismatched == 0, f"the engine found fewer rows than the raw SQL for {mismatched} subjects"
    engine_median = statistics.median(engine_times)
    raw_median = statistics.median(raw_times)
    return {
        "subjects": subjects,
        "build_s": build_seconds,
        "engine_ms": engine_median * 1000,
        "raw_ms": raw_median * 1000,
        "ratio": engine_median / raw_median,
        "with_mentions_ms": statistics.median(mention_times) * 1000,
        "peak_mib": peak / 2**20,
        "records": statistics.median(ours for ours, _ in found),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--samples", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "bench-key-0123456789abcdef")
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            results.append(measure(Path(tmp), size, args.samples))
    print(
        "| subjects | records per subject (median) | engine locate ms | raw indexed SQL ms | "
        "engine / raw | with free-text mention scan ms | peak MiB | estate build s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['subjects']:,} | {r['records']:.0f} | {r['engine_ms']:.1f} | {r['raw_ms']:.1f} | "
            f"{r['ratio']:.2f} | {r['with_mentions_ms']:.0f} | {r['peak_mib']:.1f} | {r['build_s']:.0f} |"
        )
    if len(results) > 1:
        print(
            f"\nengine locate time, {results[-1]['subjects']:,} vs {results[0]['subjects']:,} subjects: "
            f"{results[-1]['engine_ms'] / results[0]['engine_ms']:.2f}x (flat = 1)"
        )


if __name__ == "__main__":
    main()
