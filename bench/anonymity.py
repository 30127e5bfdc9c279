"""Anonymisation gates over an anonymised table, against a raw pass doing the same checks.

Builds N rows (default 1,000,000) shaped like an anonymised helpdesk table. On pandas, times
``run_gates`` against a raw pandas pass (groupby size and nunique for k and l, plus the same
identifier regexes over the text columns); on SQLite, against raw SQL (the two GROUP BY
queries and a REGEXP scan of each text column). Prints seconds and the ratio gates / raw.

    scripts/with-env python bench/anonymity.py [--rows N]
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from governance.anonymise.gates import IDENTIFIER_PATTERNS, SqlTable, run_gates
from governance.policy.models import AnonymisationSpec

SPEC = AnonymisationSpec(
    target_table="stats",
    pseudonymise={"id": "case_ref"},
    generalise={"received_at": "month", "channel": "keep"},
    sensitive="subject",
    k=5,
    l=2,
)


def build(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    months = np.array([f"20{y:02d}-{m:02d}" for y in range(18, 25) for m in range(1, 13)])
    return pd.DataFrame(
        {
            "case_ref": ["p_" + format(i, "024x") for i in range(rows)],
            "received_at": months[rng.integers(0, len(months), rows)],
            "channel": np.array(["email", "phone", "web"])[rng.integers(0, 3, rows)],
            "subject": np.array(["Rēķins", "Sūdzība", "Adreses maiņa", "Jautājums"])[
                rng.integers(0, 4, rows)
            ],
        }
    )


def raw_pandas(frame: pd.DataFrame) -> None:
    groups = frame.groupby(SPEC.quasi_identifiers)
    assert groups.size().min() >= SPEC.k
    assert groups["subject"].nunique().min() >= SPEC.l
    combined = "|".join(f"(?:{p})" for p in IDENTIFIER_PATTERNS)
    for column in ("received_at", "channel", "subject"):
        assert not frame[column].str.contains(combined, regex=True).any()
    assert frame["case_ref"].str.fullmatch(r"p_[0-9a-f]{24}").all()


def raw_sql(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.create_function("regexp", 2, lambda p, v: v is not None and re.search(p, v) is not None)
    qi = ", ".join(SPEC.quasi_identifiers)
    assert (
        conn.execute(f"SELECT min(c) FROM (SELECT count(*) c FROM stats GROUP BY {qi})").fetchone()[
            0
        ]
        >= SPEC.k
    )
    assert (
        conn.execute(
            f"SELECT min(c) FROM (SELECT count(DISTINCT subject) c FROM stats GROUP BY {qi})"
        ).fetchone()[0]
        >= SPEC.l
    )
    combined = "|".join(f"(?:{p})" for p in IDENTIFIER_PATTERNS)
    for column in ("received_at", "channel", "subject"):
        assert (
            conn.execute(
                f"SELECT count(*) FROM stats WHERE {column} REGEXP ?", (combined,)
            ).fetchone()[0]
            == 0
        )
    assert (
        conn.execute(
            "SELECT count(*) FROM stats WHERE NOT case_ref REGEXP '^p_[0-9a-f]{24}$'"
        ).fetchone()[0]
        == 0
    )
    conn.close()


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    frame = build(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stats.db"
        with sqlite3.connect(path) as conn:
            frame.to_sql("stats", conn, index=False)
        sql = SqlTable(f"sqlite:///{path}", "stats")
        run_gates(frame.head(1000), SPEC, name="warmup")  # GX's first-use imports, untimed
        rows = []
        for label, gates, raw in (
            ("pandas", lambda: run_gates(frame, SPEC, name="bench"), lambda: raw_pandas(frame)),
            ("SQLite", lambda: run_gates(sql, SPEC, name="bench"), lambda: raw_sql(path)),
        ):
            raw_seconds = timed(raw)
            gate_seconds = timed(gates)  # untraced: tracemalloc slows every allocation
            tracemalloc.start()
            gates()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            report = run_gates(frame.head(10), SPEC, name="check")
            assert report.results
            rows.append((label, gate_seconds, raw_seconds, peak))
    print("| engine | rows | gates s | raw pass s | gates / raw | gates peak Python MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, gate_seconds, raw_seconds, peak in rows:
        print(
            f"| {label} | {args.rows:,} | {gate_seconds:.2f} | {raw_seconds:.2f} | "
            f"{gate_seconds / raw_seconds:.2f} | {peak / 2**20:.0f} |"
        )


if __name__ == "__main__":
    main()
