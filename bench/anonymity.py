"""Anonymisation gates on the demo estate's anonymised table, against a raw pass doing the same
checks, in the same run.

For each estate size, the real policy's anonymising rule ``communication.messages_after_answer``
is carried out by the engine on a copy of the helpdesk database (its answered cases become the
statistics table ``messages_statistics``: keyed case pseudonym, year, channel, topic; k = 5,
l = 2; the sweep's time is reported too). Then, on that table, alternating which goes first:

- the gates (Great Expectations 1.x): in SQL, the rule's checkpoint of the GX project as the
  DAGs run it (the column set, no personal data in any text column by the recogniser set, each
  column's distinct values streamed with their counts and the linked contacts' names read, the
  pseudonym pattern, k-anonymity and l-diversity as one GROUP BY each; results stored and Data
  Docs rebuilt), against
- a raw SQL pass doing the same checks by hand: the column list, the same distinct-value stream
  through the same recognisers with the contacts' names, the pseudonym regular expression
  (PostgreSQL ``~``, SQLite ``REGEXP``), and the two ``GROUP BY`` queries.

On SQLite the same table is also loaded into a pandas frame, and ``run_gates`` on the frame (the
ephemeral context, data source and suite kept between runs) is timed against a raw pandas pass
(groupby size and nunique, value counts through the same recognisers, the same regex). Peak memory: the
peak of Python allocations during the gates (tracemalloc, in a separate untimed run).

    scripts/with-env python bench/anonymity.py [--backend sqlite|postgres] [--sizes 100000,1000000]
        [--workdir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import sys
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

PURPOSE, RULE, SYSTEM = "communication", "messages_after_answer", "helpdesk"
TARGET = 2.0  # the gates take at most twice a raw pass


def _spec():
    from governance.policy import load_policy

    rule = next(r for r in load_policy().purpose(PURPOSE).retention if r.id == RULE)
    return rule.anonymise


def anonymise(url: str) -> tuple[float, int, int]:
    """Carry out the rule on the copy at ``url``: (seconds, rows anonymised, rows suppressed)."""
    from governance.estate import DEFAULT_TODAY
    from governance.holds import HoldSet
    from governance.policy import load_policy
    from governance.retention.sweep import SweepOptions, sweep_rule
    from governance.sources import SqlSources

    os.environ[f"AIRFLOW_CONN_ESTATE_{SYSTEM.upper()}"] = common.airflow_uri(url)
    policy = load_policy()
    sources = SqlSources(policy)
    try:
        seconds, counts = common.timed(
            lambda: sweep_rule(
                policy,
                sources,
                PURPOSE,
                RULE,
                now=datetime.combine(DEFAULT_TODAY, dtime(12, 0), tzinfo=UTC),
                holds=HoldSet([]),
                options=SweepOptions(batch_size=policy.defaults.batch_size),
            )
        )
    finally:
        sources.dispose()
    return seconds, counts.removed, counts.suppressed


def raw_sql(url: str, spec) -> dict:
    """The same checks as the gates, hand-written: what a careful analyst would run."""
    from governance.anonymise.gates import PSEUDONYM_PATTERN
    from governance.identity.recognisers import People, recognise

    table = spec.target_table
    qi = ", ".join(spec.quasi_identifiers)
    pseudonyms = set(spec.pseudonymise.values())
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.create_function(
            "regexp", 2, lambda p, v: v is not None and re.search(p, v) is not None
        )
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        mismatch = "NOT {c} REGEXP ?"
    else:
        import psycopg2
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        conn = psycopg2.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
        )
        cur = conn.cursor()
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,)
        )
        columns = {r[0] for r in cur.fetchall()}
        mismatch = "{c} !~ %s"

    def scalar(sql: str, args: tuple = ()):
        if isinstance(conn, sqlite3.Connection):
            return conn.execute(sql, args).fetchone()[0]
        cur.execute(sql, args)
        return cur.fetchone()[0]

    def rows(sql: str):
        if isinstance(conn, sqlite3.Connection):
            yield from conn.execute(sql)
            return
        with conn.cursor(name="stream") as stream:  # server-side: bounded memory
            stream.itersize = 5000
            stream.execute(sql)
            yield from stream

    try:
        found = {"columns": columns == set(spec.output_columns())}
        people = People(name for (name,) in rows("SELECT DISTINCT full_name FROM contacts"))
        for column in spec.output_columns():
            if column in pseudonyms:
                found[column] = scalar(
                    f"SELECT count(*) FROM {table} WHERE {mismatch.format(c=column)}",
                    (PSEUDONYM_PATTERN,),
                )
            else:
                found[column] = sum(
                    n
                    for value, n in rows(
                        f"SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL "
                        f"GROUP BY {column}"
                    )
                    if isinstance(value, str) and recognise(value, people)
                )
        found["k"] = scalar(f"SELECT min(c) FROM (SELECT count(*) c FROM {table} GROUP BY {qi}) s")
        if spec.sensitive and spec.l > 1:
            found["l"] = scalar(
                f"SELECT min(c) FROM (SELECT count(DISTINCT {spec.sensitive}) c FROM {table}"
                f" GROUP BY {qi}) s"
            )
        return found
    finally:
        conn.close()


def raw_pandas(frame, spec, people) -> dict:
    from governance.anonymise.gates import PSEUDONYM_PATTERN
    from governance.identity.recognisers import recognise

    groups = frame.groupby(spec.quasi_identifiers)
    found = {"k": int(groups.size().min())}
    if spec.sensitive and spec.l > 1:
        found["l"] = int(groups[spec.sensitive].nunique().min())
    pseudonyms = set(spec.pseudonymise.values())
    for column in spec.output_columns():
        values = frame[column].dropna()
        if column in pseudonyms:
            found[column] = int((~values.str.fullmatch(PSEUDONYM_PATTERN[1:-1])).sum())
        else:
            counts = values.value_counts()
            found[column] = int(
                sum(n for v, n in counts.items() if isinstance(v, str) and recognise(v, people))
            )
    return found


def _check(report, raw: dict, spec) -> None:
    """Both sides saw the same table: same k and l, and the gates passed as the raw pass says."""
    assert report.observed("expect_table_k_anonymity") == raw["k"], (report.results, raw)
    if "l" in raw:
        assert report.observed("expect_table_l_diversity") == raw["l"], (report.results, raw)
    clean = all(raw[c] == 0 for c in spec.output_columns()) and raw.get("columns", True)
    assert report.passed == (clean and raw["k"] >= spec.k and raw.get("l", spec.l) >= spec.l)


def compare(label: str, gates, raw, spec, repeat: int) -> dict:
    """Medians of ``repeat`` timings of each side (a busy machine slows single runs)."""
    gate_seconds: list[float] = []
    raw_seconds: list[float] = []
    for round_ in range(repeat):
        order = ("raw", "gates") if round_ % 2 == 0 else ("gates", "raw")
        for which in order:
            if which == "raw":
                seconds, found = common.timed(raw)
                raw_seconds.append(seconds)
            else:
                seconds, report = common.timed(gates)
                gate_seconds.append(seconds)
        _check(report, found, spec)
    peak, _ = common.traced(gates)
    return {
        "engine": label,
        "gates_s": statistics.median(gate_seconds),
        "raw_s": statistics.median(raw_seconds),
        "ratio": statistics.median(gate_seconds) / statistics.median(raw_seconds),
        "peak_mib": peak,
        "passed": report.passed,
        "k": found["k"],
        "l": found.get("l"),
    }


def measure(estate: common.Estate, repeat: int) -> tuple[dict, list[dict]]:
    import pandas as pd
    import sqlalchemy as sa

    from governance.anonymise.gates import run_checkpoint, run_gates
    from governance.anonymise.linked import linked_people

    spec = _spec()
    backend = "PostgreSQL" if estate.server else "SQLite"
    results = []
    with common.copy_of(estate, SYSTEM, "anon") as url:
        sweep_seconds, rows, suppressed = anonymise(url)
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            kept = conn.execute(sa.text(f"SELECT count(*) FROM {spec.target_table}")).scalar_one()
            if estate.server:  # as autovacuum would, before anyone reads the new table
                conn.exec_driver_sql(f"VACUUM ANALYZE {spec.target_table}")
        engine.dispose()
        sweep = {
            "subjects": estate.subjects,
            "rows": rows,
            "suppressed": suppressed,
            "kept": kept,
            "seconds": sweep_seconds,
        }
        os.environ["GOVERNANCE_REPORTS"] = str(estate.folder / "reports")

        def gates():
            return run_checkpoint(PURPOSE, RULE, url=url)

        gates()  # GX's first-use imports and set-up, untimed
        result = compare(
            backend,
            gates,
            lambda: raw_sql(url, spec),
            spec,
            repeat,
        )
        results.append(result)
        if not estate.server:
            frame = pd.read_sql_table(spec.target_table, url)
            from governance.policy import load_policy

            engine = sa.create_engine(url)
            people = linked_people(load_policy(), engine, f"{SYSTEM}.messages")
            engine.dispose()
            run_gates(frame, spec, name="bench", known_people=people)  # set-up, untimed
            result = compare(
                "pandas",
                lambda: run_gates(frame, spec, name="bench", known_people=people),
                lambda: raw_pandas(frame, spec, people),
                spec,
                repeat,
            )
            results.append(result)
    for r in results:
        r["subjects"] = estate.subjects
        r["rows"] = kept
    return sweep, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_arguments(parser, "100000,1000000")
    parser.add_argument("--repeat", type=int, default=5, help="raw/gates pairs per measurement")
    args = parser.parse_args()
    os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "bench-key-0123456789abcdef")
    sweeps, results = [], []
    for size in common.sizes(args.sizes):
        estate = common.estate(args.backend, size, args.workdir)
        estate.use()
        sweep, measured = measure(estate, args.repeat)
        sweeps.append(sweep)
        results += measured
        for r in measured:
            print(
                f"{r['engine']} {size:,} subjects: {r['rows']:,} rows, gates {r['gates_s']:.2f} s, "
                f"raw {r['raw_s']:.2f} s, ratio {r['ratio']:.2f}",
                flush=True,
            )
    spec = _spec()
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    print(
        f"\n{backend}, rule `{PURPOSE}.{RULE}` (helpdesk.messages -> {spec.target_table}, "
        f"quasi-identifiers {', '.join(spec.quasi_identifiers)}, k={spec.k}, l={spec.l}); "
        f"median of {args.repeat} raw/gates pairs per row, alternating which goes first.\n"
    )
    print(
        "| subjects | engine | table rows | gates s | raw pass s | gates / raw | k, l observed "
        "| gates peak Python MiB |"
    )
    print("|---:|---|---:|---:|---:|---:|---|---:|")
    for r in results:
        print(
            f"| {r['subjects']:,} | {r['engine']} | {r['rows']:,} | {r['gates_s']:.2f} | "
            f"{r['raw_s']:.2f} | **{r['ratio']:.2f}** | {r['k']}, {r['l']} | {r['peak_mib']:.1f} |"
        )
    print(
        "\nThe anonymising sweep that made the table (engine, batch by batch, same transaction "
        "as the delete; then suppression in SQL):\n"
    )
    print("| subjects | rows anonymised | suppressed | kept | seconds | rows/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for s in sweeps:
        print(
            f"| {s['subjects']:,} | {s['rows']:,} | {s['suppressed']:,} | {s['kept']:,} | "
            f"{s['seconds']:.1f} | {s['rows'] / s['seconds']:,.0f} |"
        )
    common.emit_summary(
        [
            {
                "benchmark": "anonymisation gates",
                "backend": r["engine"] if r["engine"] != "pandas" else "pandas (frame)",
                "size": f"{r['subjects']:,} subjects ({r['rows']:,} rows)",
                "ours": f"{r['gates_s']:.2f} s",
                "raw": f"{r['raw_s']:.2f} s",
                "ratio": f"{r['ratio']:.2f}",
                "target": f"≤ {TARGET:g}× raw",
                "met": r["ratio"] <= TARGET,
                "peak_mib": f"{r['peak_mib']:.1f}",
            }
            for r in results
        ]
    )


if __name__ == "__main__":
    main()
