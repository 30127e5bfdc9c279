"""Great Expectations gates for an anonymised table or frame, generated from the rule's spec.

The suite: the column set is exactly the spec's output; no text column holds anything shaped
like a personas kods, an LV phone number, an e-mail address or an LV IBAN; pseudonym columns
hold pseudonyms only (a surviving original key fails); k-anonymity and l-diversity over the
quasi-identifiers (custom expectations, computed in the database for SQL tables).

Results are requested as ``SUMMARY`` with no partial lists and no unexpected rows, so a failed
gate reports counts, never the offending values: GX's default formats copy them into the
result. The evidence (validation JSON and a small HTML page) goes to a folder per run.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from governance.policy.models import AnonymisationSpec

log = logging.getLogger("governance.anonymise")

#: Identifier shapes, written to mean the same in Python's re (pandas, SQLite's REGEXP) and
#: in PostgreSQL's regex dialect (no \b or \d).
IDENTIFIER_PATTERNS = (
    "[0-9]{6}-?[0-9]{5}",  # personas kods, old and new format
    "(?:\\+|00)371[ -]?[0-9]{8}",  # +371 / 00371 phone
    "(?:^|[^0-9])[26][0-9]{7}(?:$|[^0-9])",  # national phone number
    "[26][0-9]{3}[ -][0-9]{4}",  # national phone with a separator
    "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}",  # e-mail
    "[Ll][Vv][0-9]{2}[A-Za-z]{4}[0-9A-Za-z]{13}",  # LV IBAN
)
#: All shapes in one alternation: one pass over each column instead of one per pattern.
IDENTIFIER_REGEX = "|".join(f"(?:{pattern})" for pattern in IDENTIFIER_PATTERNS)
PSEUDONYM_PATTERN = "^p_[0-9a-f]{24}$"
#: Counts only: GX's default result formats would copy failing values into the evidence.
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
_KEEP_RESULT_KEYS = (
    "observed_value",
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "missing_count",
)


@dataclass(frozen=True)
class SqlTable:
    """An anonymised table in a SQL database (GX computes the metrics there)."""

    url: str
    table: str


@dataclass
class GateResult:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None = None
    observed: Any = None


@dataclass
class GateReport:
    name: str
    results: list[GateResult] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def failed(self) -> list[GateResult]:
        return [r for r in self.results if not r.success]

    def observed(self, expectation: str) -> Any:
        return next((r.observed for r in self.results if r.expectation == expectation), None)

    def summary_lines(self) -> list[str]:
        """One PII-free line per expectation, for task logs."""
        lines = []
        for r in self.results:
            parts = [f"gate={self.name}", f"expectation={r.expectation}"]
            if r.column:
                parts.append(f"column={r.column}")
            parts.append("outcome=" + ("passed" if r.success else "FAILED"))
            if r.unexpected_count is not None:
                parts.append(f"rows={r.unexpected_count}")
            if r.observed is not None and not isinstance(r.observed, list | dict):
                parts.append(f"observed={r.observed}")
            lines.append(" ".join(parts))
        return lines


def build_suite(spec: AnonymisationSpec, name: str):
    """The expectation suite for one anonymised entity."""
    import great_expectations as gx

    from governance.anonymise.expectations import ExpectTableKAnonymity, ExpectTableLDiversity

    suite = gx.ExpectationSuite(name=f"anonymised__{name}")
    suite.add_expectation(
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=spec.output_columns(), exact_match=True
        )
    )
    pseudonyms = set(spec.pseudonymise.values())
    for column in spec.output_columns():
        if column in pseudonyms:
            suite.add_expectation(
                gx.expectations.ExpectColumnValuesToMatchRegex(
                    column=column, regex=PSEUDONYM_PATTERN
                )
            )
        else:
            suite.add_expectation(
                gx.expectations.ExpectColumnValuesToNotMatchRegex(
                    column=column, regex=IDENTIFIER_REGEX
                )
            )
    suite.add_expectation(ExpectTableKAnonymity(quasi_identifiers=spec.quasi_identifiers, k=spec.k))
    if spec.sensitive and spec.l > 1:
        suite.add_expectation(
            ExpectTableLDiversity(
                quasi_identifiers=spec.quasi_identifiers, sensitive=spec.sensitive, l=spec.l
            )
        )
    return suite


def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _batch(context, target: pd.DataFrame | SqlTable, name: str):
    if isinstance(target, pd.DataFrame):
        source = context.data_sources.add_pandas(f"frames_{name}")
        asset = source.add_dataframe_asset(name)
        return asset.add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": target}
        )
    if target.url.startswith("sqlite"):
        source = context.data_sources.add_sqlite(f"sql_{name}", connection_string=target.url)
    elif target.url.startswith("postgresql"):
        source = context.data_sources.add_postgres(f"sql_{name}", connection_string=target.url)
    else:
        source = context.data_sources.add_sql(f"sql_{name}", connection_string=target.url)
    asset = source.add_table_asset(name, table_name=target.table)
    return asset.add_batch_definition_whole_table("all").get_batch()


def run_gates(
    target: pd.DataFrame | SqlTable,
    spec: AnonymisationSpec,
    *,
    name: str,
    evidence_dir: Path | None = None,
) -> GateReport:
    """Validate ``target`` against the spec's suite; write the evidence; never raise on a
    failed expectation (the caller decides), only on a broken set-up."""
    context = _context()
    suite = build_suite(spec, name)
    result = _batch(context, target, name).validate(suite, result_format=RESULT_FORMAT)
    report = GateReport(name=name)
    for item in result.results:
        kwargs = item.expectation_config.kwargs
        data = item.result or {}
        report.results.append(
            GateResult(
                expectation=item.expectation_config.type,
                column=kwargs.get("column"),
                success=bool(item.success),
                unexpected_count=data.get("unexpected_count"),
                observed=data.get("observed_value")
                if not isinstance(data.get("observed_value"), list)
                else len(data["observed_value"]),
            )
        )
    if evidence_dir is not None:
        report.evidence = _write_evidence(evidence_dir, name, spec, report)
    return report


def _write_evidence(
    folder: Path, name: str, spec: AnonymisationSpec, report: GateReport
) -> list[str]:
    """The result as JSON and HTML: expectation, column, outcome, counts. Nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "gate": name,
        "at": datetime.now(UTC).isoformat(),
        "passed": report.passed,
        "k_target": spec.k,
        "l_target": spec.l,
        "quasi_identifiers": spec.quasi_identifiers,
        "sensitive": spec.sensitive,
        "results": [
            {
                "expectation": r.expectation,
                "column": r.column,
                "success": r.success,
                "unexpected_count": r.unexpected_count,
                "observed": r.observed
                if isinstance(r.observed, int | float | type(None))
                else None,
            }
            for r in report.results
        ],
    }
    json_path = folder / f"{name}.json"
    json_path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    rows = "".join(
        f"<tr class={'ok' if r['success'] else 'bad'}><td>{html.escape(r['expectation'])}</td>"
        f"<td>{html.escape(r['column'] or '')}</td><td>{'passed' if r['success'] else 'FAILED'}</td>"
        f"<td>{'' if r['unexpected_count'] is None else r['unexpected_count']}</td>"
        f"<td>{'' if r['observed'] is None else r['observed']}</td></tr>"
        for r in payload["results"]
    )
    page = (
        "<!doctype html><meta charset=utf-8><title>Anonymisation gate "
        f"{html.escape(name)}</title><style>body{{font-family:sans-serif}}td,th{{border:1px solid #bbb;"
        "padding:.2rem .5rem}}.bad{background:#fdd}</style>"
        f"<h1>Anonymisation gate: {html.escape(name)}</h1><p>{'PASSED' if report.passed else 'FAILED'}"
        f" · k ≥ {spec.k}, l ≥ {spec.l} over {html.escape(', '.join(spec.quasi_identifiers))}</p>"
        "<table><tr><th>expectation</th><th>column</th><th>outcome</th><th>rows failing</th>"
        f"<th>observed</th></tr>{rows}</table>"
    )
    html_path = folder / f"{name}.html"
    html_path.write_text(page, encoding="utf-8")
    return [str(json_path), str(html_path)]


def pattern_matches(text: str) -> bool:
    """The gate's identifier patterns, in Python (tests and the benchmark's raw pass)."""
    return re.search(IDENTIFIER_REGEX, text) is not None
