"""Run every benchmark in bench/ on SQLite and PostgreSQL and write bench/results/RESULTS.md:
one summary table (benchmark, back end, size, ours, raw, ratio, target, met?, peak memory),
then each benchmark's own tables.

    make bench                                  # the full run (estates of 100,000 and 1,000,000)
    BENCH_SIZES=1000,10000 make bench           # a quick run
    scripts/with-env python bench/run_all.py [--sizes N,N] [--backends sqlite,postgres]
        [--workdir DIR] [--only retention,anonymity] [--out FILE]

Environment (each the default of the matching option): BENCH_SIZES, BENCH_BACKENDS,
BENCH_ONLY, GOVERNANCE_BENCH_WORKDIR; GOVERNANCE_BENCH_PG_SERVER names the PostgreSQL server
(else scripts/postgres starts a throw-away one, see bench/common.py). Built estates are kept in
the work folder and on the server, and reused by the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

#: (script, runs per back end, what it compares)
BENCHES = (
    ("parse_dags.py", False, "parsing every DAG file against one trivial DAG file"),
    ("estate_build.py", True, "the demo estate build against a 1,000-subject build"),
    ("retention.py", True, "retention sweeps against one raw DELETE on an identical copy"),
    ("dsr.py", True, "locating one subject against hand-written indexed SQL"),
    ("anonymity.py", True, "the anonymisation gates against a raw pass doing the same checks"),
    ("recognisers.py", False, "precision and recall of the recogniser set on a labelled corpus"),
    ("bulk.py", False, "many requests at once on the Celery stack against one request alone"),
)
SUMMARY = "BENCH-SUMMARY "


def _accepts_backend(script: Path) -> bool:
    return "--backend" in script.read_text()


def run(script: str, args: list[str]) -> tuple[int, str, str, float]:
    command = [sys.executable, str(HERE / script), *args]
    print(f"== {' '.join([script, *args])}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:  # show progress as it comes
        lines.append(line)
        if not line.startswith((SUMMARY, "20")):
            print("   " + line, end="", flush=True)
    stderr = process.stderr.read() if process.stderr else ""
    code = process.wait()
    return code, "".join(lines), stderr, time.perf_counter() - started


def detail(stdout: str) -> str:
    """The benchmark's own output, without log lines and summary lines."""
    kept = [
        line
        for line in stdout.splitlines()
        if not line.startswith((SUMMARY, "20")) and not line.startswith("building the ")
    ]
    return "\n".join(kept).strip()


def summary_rows(stdout: str) -> list[dict]:
    return [
        json.loads(line[len(SUMMARY) :]) for line in stdout.splitlines() if line.startswith(SUMMARY)
    ]


def previous_results(path: Path, ran: set[str], produced: set[str]) -> tuple[list[str], list[str]]:
    """Summary rows and sections of ``path`` for benchmarks this run left out (``--only``): kept
    as they were, so a run of one benchmark does not erase the others' figures."""
    if not path.exists():
        return [], []
    text = path.read_text()
    head, _, body = text.partition("\n## ")
    rows = [
        line
        for line in head.splitlines()
        if line.startswith("| ")
        and not line.startswith("| benchmark |")
        and line.split("|")[1].strip() not in produced
    ]
    sections = [
        "## " + chunk.rstrip() + "\n"
        for chunk in ("\n## " + body).split("\n## ")[1:]
        if chunk.split()[0].removesuffix(".py") not in ran
    ]
    return rows, sections


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES") or "100000,1000000")
    parser.add_argument("--backends", default=os.environ.get("BENCH_BACKENDS") or "sqlite,postgres")
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY") or "")
    parser.add_argument("--workdir", type=Path, default=common.default_workdir())
    parser.add_argument("--out", type=Path, default=HERE / "results" / "RESULTS.md")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for backend in backends:
        if backend not in common.BACKENDS:
            parser.error(f"--backends: {backend!r} is not one of {', '.join(common.BACKENDS)}")
    only = {o.strip().removesuffix(".py") for o in args.only.split(",") if o.strip()}
    sizes = ",".join(str(s) for s in common.sizes(args.sizes))
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    server = version = None
    if "postgres" in backends:
        server = common.pg_server()  # sets GOVERNANCE_BENCH_PG_SERVER: every child uses it
        version = common.pg_version(server)

    rows: list[dict] = []
    sections: list[str] = []
    failures = []
    for script, per_backend, what in BENCHES:
        if only and script.removesuffix(".py") not in only:
            continue
        runs: list[tuple[str | None, list[str]]] = []
        if not per_backend:
            runs.append((None, []))
        else:
            for backend in backends:
                if not _accepts_backend(HERE / script):
                    if backend != "sqlite":
                        note = f"`{script}` has no `--backend` option yet: not run on {backend}."
                        sections.append(f"## {script} ({backend})\n\n{note}\n")
                        continue
                    runs.append((backend, ["--sizes", sizes, "--workdir", str(args.workdir)]))
                else:
                    runs.append(
                        (
                            backend,
                            [
                                "--backend",
                                backend,
                                "--sizes",
                                sizes,
                                "--workdir",
                                str(args.workdir),
                            ],
                        )
                    )
        for backend, extra in runs:
            code, stdout, stderr, seconds = run(script, extra)
            title = script if backend is None else f"{script} ({backend})"
            body = detail(stdout)
            if code:
                failures.append(title)
                tail = "\n".join(stderr.strip().splitlines()[-25:])
                print(tail, file=sys.stderr)
                body += f"\n\n**FAILED** (exit {code}):\n\n```\n{tail}\n```"
            found = summary_rows(stdout)
            rows += found
            if not found and not code:
                rows.append(
                    {
                        "benchmark": script.removesuffix(".py"),
                        "backend": {"postgres": "PostgreSQL", "sqlite": "SQLite"}.get(backend, "–"),
                        "size": "see its section",
                    }
                )
            sections.append(
                f"## {title}\n\n{what}; `bench/{script} {' '.join(extra)}`, {seconds:.0f} s.\n\n{body}\n"
            )

    total = time.perf_counter() - started
    commit = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    out = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`bench/run_all.py`) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in "
        f"{total / 60:.0f} min{f' at commit {commit}' if commit else ''}. Estate sizes {sizes.replace(',', ', ')} subjects (seed {common.SEED}); "
        f"back ends {', '.join(backends)}"
        + (
            f" (PostgreSQL {version}, loopback, `scripts/postgres`: fsync and synchronous_commit off)"
            if version
            else ""
        )
        + f". Machine: {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}, shared with other jobs, so every ratio is measured in the "
        "same run against its own baseline, alternating which goes first. Kept estates are built "
        "once (their build time is from the run that built them).",
        "",
        "Ratios: for throughput (retention), ours / raw (higher is better, target ≥); for times "
        "(gates, locate), ours / raw (lower is better, target ≤); for the estate build, the per-row "
        "time against a 1,000-subject build (1 = linear). Peak memory: Python allocations "
        "(tracemalloc, in a separate untimed run) and, where shown, the growth of the resident set.",
        "",
        "| benchmark | back end | size | ours | raw | ratio | target | met? | peak MiB |",
        "|---|---|---|---:|---:|---:|---|---|---:|",
    ]
    for r in rows:
        met = r.get("met")
        met_text = "–" if met is None else ("yes" if met else "**no**")
        size = r.get("size", "")
        if r.get("note"):
            size += f" ({r['note']})"
        out.append(
            f"| {r.get('benchmark', '')} | {r.get('backend', '')} | {size} | {r.get('ours', '')} | "
            f"{r.get('raw', '')} | {r.get('ratio', '')} | {r.get('target', '')} | {met_text} | "
            f"{r.get('peak_mib', '')} |"
        )
    if only:
        ran = {
            script.removesuffix(".py")
            for script, *_ in BENCHES
            if script.removesuffix(".py") in only
        }
        kept_rows, kept_sections = previous_results(
            args.out, ran, {str(r.get("benchmark", "")) for r in rows}
        )
        out += kept_rows
        sections += kept_sections
        if kept_rows or kept_sections:
            out[2] += (
                f" This run measured {', '.join(sorted(ran))} only (`BENCH_ONLY`); the other rows "
                "and sections are the previous file's, from the run its text names."
            )
    if failures:
        out += ["", f"**Failed:** {', '.join(failures)} (see their sections)."]
    out += ["", *sections]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(out) + "\n")
    print(f"written {args.out} ({total / 60:.0f} min)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
