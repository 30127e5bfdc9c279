"""Locating one data subject across every source, against hand-written indexed SQL.

For each estate size, builds the demo estate with its lookup indexes (SQLite files, or
databases on a PostgreSQL server), then for many subjects times (a) the engine's locate over
all systems (exact identifiers, links, name variants; the free-text mention scan is timed
apart, as it cannot use an index) and (b) raw driver queries (sqlite3 or psycopg2, one open
connection per system) written for exactly the same lookups and link hops. Both must find
exactly the same records. Prints medians, their ratio, and the mention scan.

    scripts/with-env python bench/dsr.py [--backend sqlite|postgres] [--sizes 10000,1000000]
        [--samples 40] [--workdir DIR]

Estates, the PostgreSQL server and the options shared by every benchmark: bench/common.py.
Targets (issue #5): the engine within 1.5x of the raw queries and under one second at 1M.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

SEED = common.SEED
TARGET = 1.5  # the engine's locate within 1.5x of the raw queries

_STRIP = "replace(replace(replace(replace(replace(replace(replace({c},' ',''),'-',''),'+',''),'(',''),')',''),'.',''),'/','')"
EXPRESSIONS = {
    "email": "lower(trim({c}))",
    "phone": _STRIP,
    "personas_kods": _STRIP,
    "iban": "upper(" + _STRIP + ")",
    "name": "{c}",
}


class RawSources:
    """One plain driver connection per system: the floor the engine is held to."""

    def __init__(self, estate: common.Estate) -> None:
        self.estate, self.conns = estate, {}
        self.mark = "%s" if estate.server else "?"

    def cursor(self, system: str):
        if system not in self.conns:
            if self.estate.server:
                import psycopg2
                from sqlalchemy.engine import make_url

                url = make_url(self.estate.url(system))
                self.conns[system] = psycopg2.connect(
                    host=url.host,
                    port=url.port,
                    user=url.username,
                    password=url.password,
                    dbname=url.database,
                )
                self.conns[system].autocommit = True
            else:
                self.conns[system] = sqlite3.connect(self.estate.database(system))
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


def measure(estate: common.Estate, samples: int, mention_samples: int = 5) -> dict:
    from governance.dsr.identifiers import parse_identifiers
    from governance.dsr.locate import locate_in_system
    from governance.dsr.searchable import searchable_systems
    from governance.estate import subject
    from governance.policy import load_policy
    from governance.sources import SqlSources
    from governance.sources.lookup import ensure_lookup_indexes

    estate.use()
    subjects = estate.subjects
    policy = load_policy()
    systems = searchable_systems(policy)
    sources = SqlSources(policy)
    for system in systems:  # an estate kept from an older run may lack newer indexes
        ensure_lookup_indexes(policy, sources.engine(system), system)
    raw = RawSources(estate)
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
        "build_s": estate.build_seconds + (estate.index_seconds or 0.0),
        "engine_ms": engine_median * 1000,
        "raw_ms": raw_median * 1000,
        "ratio": engine_median / raw_median,
        "exact_ms": statistics.median(exact_times) * 1000,
        "with_mentions_ms": statistics.median(mention_times) * 1000,
        "peak_mib": peak / 2**20,
        "records": statistics.median(found),
        "backend": estate.backend,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_arguments(parser, "10000,1000000")
    parser.add_argument("--samples", type=int, default=40, help="subjects per estate")
    parser.add_argument("--mention-samples", type=int, default=5, help="of them, with the scan")
    args = parser.parse_args()
    os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "bench-key-0123456789abcdef")
    results = []
    for size in common.sizes(args.sizes):
        estate = common.estate(args.backend, size, args.workdir)
        results.append(measure(estate, args.samples, args.mention_samples))
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    print(
        f"\n{backend}: locate one subject across every searchable source, median of "
        f"{args.samples} subjects; raw = {'psycopg2' if args.backend == 'postgres' else 'sqlite3'} "
        "queries for the same lookups and link hops on open connections, the same records "
        "asserted; each side reads half the subjects first.\n"
    )
    print(
        "| subjects | records per subject (median) | engine locate ms | raw indexed SQL ms | "
        "engine / raw | exact identifiers only ms | with free-text mention scan ms | "
        "peak Python MiB | estate build s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['subjects']:,} | {r['records']:.0f} | {r['engine_ms']:.1f} | "
            f"{r['raw_ms']:.1f} | **{r['ratio']:.2f}** | {r['exact_ms']:.1f} | "
            f"{r['with_mentions_ms']:.0f} | {r['peak_mib']:.1f} | {r['build_s']:.0f} |"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        per_record = (last["engine_ms"] / last["records"]) / (first["engine_ms"] / first["records"])
        print(
            f"\n{last['subjects']:,} vs {first['subjects']:,} subjects (flat = 1): exact "
            f"identifiers {last['exact_ms'] / first['exact_ms']:.2f}x; with the name "
            f"{last['engine_ms'] / first['engine_ms']:.2f}x, following the records a name "
            f"matches ({first['records']:.0f} -> {last['records']:.0f}), {per_record:.2f}x per "
            "record"
        )
    common.emit_summary(
        [
            {
                "benchmark": "DSR locate (one subject, all sources)",
                "backend": backend,
                "size": f"{r['subjects']:,} subjects ({r['records']:.0f} records)",
                "ours": f"{r['engine_ms']:.1f} ms",
                "raw": f"{r['raw_ms']:.1f} ms",
                "ratio": f"{r['ratio']:.2f}",
                "target": f"≤ {TARGET}× raw, < 1 s",
                "met": r["ratio"] <= TARGET and r["engine_ms"] < 1000,
                "peak_mib": f"{r['peak_mib']:.1f}",
            }
            for r in results
        ]
    )


if __name__ == "__main__":
    main()
