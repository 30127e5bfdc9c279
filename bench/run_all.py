"""Run every benchmark in bench/ and write their tables to bench/results/RESULTS.md."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ("parse_dags.py", "estate_build.py", "retention.py", "dsr.py", "anonymity.py")


def main() -> int:
    out = [f"# Benchmarks ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, this machine)\n"]
    for name in BENCHES:
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], capture_output=True, text=True)
        table = "\n".join(line for line in result.stdout.splitlines() if not line.startswith("20"))
        print(table)
        if result.returncode:
            print(result.stderr[-2000:], file=sys.stderr)
            return result.returncode
        out += [f"## {name}\n", table, ""]
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "RESULTS.md").write_text("\n".join(out))
    print(f"written {HERE / 'results' / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
