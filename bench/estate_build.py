"""Demo estate build throughput at 1,000 and 10,000 subjects, and the 10k/1k time ratio.

    scripts/with-env python bench/estate_build.py [--large N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from governance.estate import build_estate


def measure(subjects: int, folder: Path) -> dict:
    tracemalloc.start()
    start = time.perf_counter()
    manifest = build_estate(folder / f"estate-{subjects}", subjects, 42)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"subjects": subjects, "rows": manifest["rows"], "seconds": elapsed, "peak": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(1_000, Path(tmp))
        large = measure(args.large, Path(tmp))
    print("| subjects | rows | seconds | rows/s | peak Python MiB |")
    print("|---:|---:|---:|---:|---:|")
    for r in (small, large):
        print(f"| {r['subjects']:,} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows'] / r['seconds']:,.0f} | {r['peak']:.1f} |")
    print(f"\ntime ratio {args.large:,}/1,000 subjects: {large['seconds'] / small['seconds']:.2f} "
          f"(linear would be {args.large / 1000:.0f}); memory ratio {large['peak'] / small['peak']:.2f}")


if __name__ == "__main__":
    main()
