"""Demo estate build throughput: a fresh 1,000-subject build in this run as the baseline, and the
benchmark estates (built once and kept, see bench/common.py) at the given sizes.

The ratio is the time per row of the large build over the 1,000-subject build's: 1.0 means the
build is linear in its size. A kept estate's build time is the one measured when it was built
(the table says when); its memory is the build's growth of the resident set.

    scripts/with-env python bench/estate_build.py [--backend sqlite|postgres] [--sizes 10000]
        [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

BASE = 1_000


def fresh_build(backend: str) -> dict:
    """The baseline, built now into a scratch folder (and scratch databases on the server)."""
    from governance.estate import SYSTEMS, build_estate
    from governance.store.server import drop_databases

    server = common.pg_server() if backend == "postgres" else None
    prefix = f"bench_base_{os.getpid()}"
    old = {
        k: os.environ.get(k)
        for k in ("GOVERNANCE_ESTATE_SERVER", "GOVERNANCE_ESTATE_DATABASE_PREFIX")
    }
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if server:
                os.environ["GOVERNANCE_ESTATE_SERVER"] = server
                os.environ["GOVERNANCE_ESTATE_DATABASE_PREFIX"] = prefix
            else:
                os.environ.pop("GOVERNANCE_ESTATE_SERVER", None)
            build_estate(Path(tmp) / "warm", 10, common.SEED)  # imports, Faker's set-up: untimed
            peak, (seconds, manifest) = common.peak_rss(
                lambda: common.timed(lambda: build_estate(Path(tmp) / "estate", BASE, common.SEED))
            )
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            if server:
                drop_databases(server, [f"{prefix}_{s}" for s in SYSTEMS])
    return {
        "subjects": BASE,
        "rows": manifest["rows"],
        "files": manifest["files"],
        "seconds": seconds,
        "peak_rss": peak,
        "when": "this run",
    }


def kept(backend: str, subjects: int, workdir: Path) -> dict:
    estate = common.estate(backend, subjects, workdir)
    ready = (
        json.loads((estate.folder / "bench-ready.json").read_text())
        if (estate.folder / "bench-ready.json").exists()
        else {}
    )
    manifest = json.loads((estate.folder / "manifest.json").read_text())
    return {
        "subjects": subjects,
        "rows": estate.rows,
        "files": manifest.get("files"),
        "seconds": estate.build_seconds,
        "index_seconds": None if estate.index_in_build else estate.index_seconds,
        "peak_rss": ready.get("build_peak_rss_mib"),
        "when": "this run"
        if not estate.reused
        else f"kept, built {ready['built_at']}"
        if "built_at" in ready
        else "kept, built by an earlier run (its time includes the indexes)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_arguments(parser, "10000")
    args = parser.parse_args()
    started = time.perf_counter()
    base = fresh_build(args.backend)
    large = [kept(args.backend, size, args.workdir) for size in common.sizes(args.sizes)]
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    where = (
        f"PostgreSQL {common.pg_version(common.pg_server())} (databases bench_<N>_<system>)"
        if args.backend == "postgres"
        else "SQLite files"
    )
    print(
        f"{backend}: the demo estate (seed {common.SEED}) into {where}; "
        f"lookup indexes and statistics after the build.\n"
    )
    print(
        "| subjects | rows | files | build s | rows/s | per-row time / 1k build | "
        "indexes + ANALYZE s | build peak RSS MiB | measured |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    per_row = base["seconds"] / base["rows"]
    for r in [base, *large]:
        ratio = (r["seconds"] / r["rows"]) / per_row
        index = "" if r.get("index_seconds") is None else f"{r['index_seconds']:.1f}"
        peak = "" if r["peak_rss"] is None else f"{r['peak_rss']:.0f}"
        print(
            f"| {r['subjects']:,} | {r['rows']:,} | {r['files']:,} | {r['seconds']:.1f} | "
            f"{r['rows'] / r['seconds']:,.0f} | {ratio:.2f} | {index} | {peak} | {r['when']} |"
        )
    print(f"\n(this run: {time.perf_counter() - started:.0f} s)")
    common.emit_summary(
        [
            {
                "benchmark": "estate build",
                "backend": backend,
                "size": f"{r['subjects']:,} subjects ({r['rows']:,} rows)",
                "ours": f"{r['seconds']:.0f} s ({r['rows'] / r['seconds']:,.0f} rows/s)",
                "raw": f"1,000 subjects: {base['rows'] / base['seconds']:,.0f} rows/s",
                "ratio": f"{(r['seconds'] / r['rows']) / per_row:.2f}",
                "target": "linear (per-row time ≤ 1.5× the 1k build's)",
                "met": (r["seconds"] / r["rows"]) / per_row <= 1.5,
                "peak_mib": "" if r["peak_rss"] is None else f"RSS +{r['peak_rss']:.0f}",
                "note": r["when"],
            }
            for r in large
        ]
    )


if __name__ == "__main__":
    main()
