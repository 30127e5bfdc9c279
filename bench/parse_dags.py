"""Time to parse every DAG file, as a ratio to parsing one trivial DAG file in the same run.

scripts/with-env python bench/parse_dags.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = """
from airflow.sdk import dag, task

@dag(schedule=None)
def trivial():
    @task
    def noop():
        pass
    noop()

trivial()
"""


def _parse(folder: Path) -> tuple[float, int]:
    from airflow.dag_processing.dagbag import DagBag

    start = time.perf_counter()
    bag = DagBag(dag_folder=str(folder))
    elapsed = time.perf_counter() - start
    assert not bag.import_errors, bag.import_errors
    return elapsed, len(bag.dags)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        trivial = Path(tmp)
        (trivial / "trivial.py").write_text(TRIVIAL)
        _parse(trivial)  # warm imports for both
        _parse(ROOT / "dags")
        base = statistics.median(_parse(trivial)[0] for _ in range(5))
        runs = [_parse(ROOT / "dags") for _ in range(5)]
    ours = statistics.median(r[0] for r in runs)
    print("| what | DAGs | median parse s | ratio to trivial |")
    print("|---|---:|---:|---:|")
    print(f"| one trivial DAG file | 1 | {base:.3f} | 1.00 |")
    print(f"| all files in dags/ | {runs[0][1]} | {ours:.3f} | {ours / base:.2f} |")


if __name__ == "__main__":
    main()
