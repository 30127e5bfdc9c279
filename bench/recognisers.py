"""Precision and recall of the Latvian recogniser set on a labelled corpus, per recogniser.

The corpus (:mod:`governance.identity.corpus`, deterministic by seed) is Latvian and English
helpdesk mails, complaints and notes whose identifiers are written the ways people write them,
with numbers that are not identifiers (invoice and order numbers, dates, amounts, tracking
numbers). Measured twice: with the persons the snippet's record links to known (the scrub and
gate of an anonymising sweep), and without (a typed reason, a log value: names only through the
first-name lexicon and the surname's shape). Also the time per snippet.

    scripts/with-env python bench/recognisers.py [--count 2000] [--seed 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RECALL_IDENTIFIERS = 0.99
RECALL_NAMES = 0.95
PRECISION = 0.95


def main() -> None:
    from governance.identity import corpus
    from governance.identity.recognisers import People, recognise

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    snippets = corpus.generate(args.count, args.seed)
    known = corpus.evaluate(snippets)
    unknown = corpus.evaluate(snippets, with_people=False)
    timings = []
    for snippet in snippets:
        people = People(snippet.people_names, snippet.people_addresses)
        started = time.perf_counter()
        recognise(snippet.text, people)
        timings.append(time.perf_counter() - started)
    langs = {lang: sum(s.lang == lang for s in snippets) for lang in ("lv", "en")}
    print(
        f"Corpus: {len(snippets):,} snippets (lv {langs['lv']:,}, en {langs['en']:,}), seed "
        f"{args.seed}; recognise() median {statistics.median(timings) * 1e6:.0f} µs per snippet "
        f"(mean length {statistics.mean(len(s.text) for s in snippets):.0f} characters).\n"
    )
    print("| recogniser | found | missed | false positives | recall | precision | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    rows = []
    for kind, score in known.items():
        target = RECALL_NAMES if kind == "name" else RECALL_IDENTIFIERS
        met = score.recall >= target and score.precision >= PRECISION
        label = "names (linked persons known)" if kind == "name" else kind
        print(
            f"| {label} | {score.tp:,} | {score.fn:,} | {score.fp:,} | {score.recall:.3f} | "
            f"{score.precision:.3f} | recall ≥ {target}, precision ≥ {PRECISION}: "
            f"{'met' if met else '**missed**'} |"
        )
        rows.append(
            {
                "benchmark": f"recogniser {label}",
                "backend": "-",
                "size": f"{len(snippets):,} snippets",
                "ours": f"recall {score.recall:.3f}, precision {score.precision:.3f}",
                "raw": "-",
                "ratio": "-",
                "target": f"recall ≥ {target}, precision ≥ {PRECISION}",
                "met": met,
                "peak_mib": "-",
            }
        )
    names = unknown["name"]
    print(
        f"| names not known in advance (lexicon + surname shape) | {names.tp:,} | {names.fn:,} | "
        f"{names.fp:,} | {names.recall:.3f} | {names.precision:.3f} | informational |"
    )
    print(
        "\nThe corpus is synthetic and was written together with the recognisers: it proves "
        "the spellings it holds, not spellings nobody thought of."
    )
    common.emit_summary(rows)


if __name__ == "__main__":
    main()
