"""Great Expectations gates for an anonymised table or frame, generated from the rule's spec.

The suite: the column set is exactly the spec's output; no text column holds personal data by
the product's own recogniser set (the one the scrub uses, so whatever the scrub removes the
gate checks for, including the names and addresses of the persons the records linked to);
pseudonym columns hold pseudonyms only (a surviving original key fails); k-anonymity and
l-diversity over the quasi-identifiers (custom expectations, computed in the database for SQL
tables).

Results are requested as ``SUMMARY`` with no partial lists and no unexpected rows, so a failed
gate reports counts, never the offending values: GX's default formats copy them into the
result. Every count comes with its denominator (``rows=0 of 564``).

Two ways to run: :func:`run_checkpoint` runs a rule's stored checkpoint of the file-backed GX
project (:mod:`governance.anonymise.gx_project`: suites reviewed like code, validation history
and Data Docs under ``reports/gx``), which is what the DAGs do; :func:`run_gates` validates any
frame or table against a suite built from a spec, in an ephemeral context kept per process
(the context, data source, asset and suite are made once and reused: a frame's validation then
costs its metrics, not GX's set-up).
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from governance.policy.models import AnonymisationSpec

log = logging.getLogger("governance.anonymise")

PSEUDONYM_PATTERN = "^p_[0-9a-f]{24}$"
#: Counts only: GX's default result formats would copy failing values into the evidence.
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
PERSONAL_DATA = "expect_column_values_to_hold_no_personal_data"


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
    #: The denominator: rows (or non-empty values) the expectation looked at.
    element_count: int | None = None


@dataclass
class GateReport:
    name: str
    results: list[GateResult] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    #: The Data Docs index, when the rule's checkpoint of the GX project ran.
    data_docs: str | None = None

    @property
    def passed(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def failed(self) -> list[GateResult]:
        return [r for r in self.results if not r.success]

    def rows(self) -> int | None:
        """The table's row count (the denominator of every count)."""
        return next((r.element_count for r in self.results if r.element_count is not None), None)

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
            of = f" of {r.element_count}" if r.element_count is not None else ""
            if r.unexpected_count is not None:
                parts.append(f"rows={r.unexpected_count}{of}")
            if r.observed is not None and not isinstance(r.observed, list | dict):
                parts.append(f"observed={r.observed}")
                if r.unexpected_count is None and of:
                    parts.append(f"rows={r.element_count}")
            lines.append(" ".join(parts))
        return lines


def expectations(
    spec: AnonymisationSpec,
    *,
    people: list[dict] | None = None,
    people_ref: str | None = None,
) -> list:
    """The expectations for one anonymised entity. ``people``: tables of the linked persons
    (names of tables and columns only); ``people_ref``: registered known persons (a frame's
    gate)."""
    import great_expectations as gx

    from governance.anonymise.expectations import (
        ExpectColumnValuesToHoldNoPersonalData,
        ExpectTableKAnonymity,
        ExpectTableLDiversity,
    )

    out: list = [
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=spec.output_columns(), exact_match=True
        )
    ]
    pseudonyms = set(spec.pseudonymise.values())
    for column in spec.output_columns():
        if column in pseudonyms:
            out.append(
                gx.expectations.ExpectColumnValuesToMatchRegex(
                    column=column, regex=PSEUDONYM_PATTERN
                )
            )
        else:
            out.append(
                ExpectColumnValuesToHoldNoPersonalData(
                    column=column, people=list(people or []), people_ref=people_ref
                )
            )
    out.append(ExpectTableKAnonymity(quasi_identifiers=spec.quasi_identifiers, k=spec.k))
    if spec.sensitive and spec.l > 1:
        out.append(
            ExpectTableLDiversity(
                quasi_identifiers=spec.quasi_identifiers, sensitive=spec.sensitive, l=spec.l
            )
        )
    return out


def build_suite(
    spec: AnonymisationSpec,
    name: str,
    *,
    people: list[dict] | None = None,
    people_ref: str | None = None,
):
    """The expectation suite for one anonymised entity (needs a GX context)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name=f"anonymised__{name}",
        expectations=expectations(spec, people=people, people_ref=people_ref),
    )


class _Ephemeral:
    """One ephemeral GX context per process, with each target's data source, asset and batch
    definition, and each suite's validation definition, made once and reused: a repeated
    validation then costs its metrics, not GX's set-up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.context = None
        self.definitions: dict[tuple, Any] = {}
        self.validations: dict[tuple, Any] = {}

    def get_context(self):
        if self.context is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            import governance.anonymise.expectations  # noqa: F401 (registers them)

            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self.context = context
        return self.context

    def batch_definition(self, target: pd.DataFrame | SqlTable, name: str):
        context = self.get_context()
        key = (
            ("frame", name)
            if isinstance(target, pd.DataFrame)
            else ("sql", target.url, target.table)
        )
        found = self.definitions.get(key)
        if found is not None:
            return key, found
        label = f"{len(self.definitions)}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
        if isinstance(target, pd.DataFrame):
            source = context.data_sources.add_pandas(f"frames_{label}")
            found = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        else:
            if target.url.startswith("sqlite"):
                source = context.data_sources.add_sqlite(
                    f"sql_{label}", connection_string=target.url
                )
            elif target.url.startswith("postgresql"):
                source = context.data_sources.add_postgres(
                    f"sql_{label}", connection_string=target.url
                )
            else:
                source = context.data_sources.add_sql(f"sql_{label}", connection_string=target.url)
            asset = source.add_table_asset(name, table_name=target.table)
            found = asset.add_batch_definition_whole_table("all")
        self.definitions[key] = found
        return key, found

    def validation(self, target, name: str, spec: AnonymisationSpec, people, people_ref):
        """The validation definition of ``target`` against the spec's suite (made once)."""
        import great_expectations as gx

        key, definition = self.batch_definition(target, name)
        suite_key = (key, spec.model_dump_json(), json.dumps(people, sort_keys=True), people_ref)
        found = self.validations.get(suite_key)
        if found is None:
            context = self.get_context()
            label = f"v{len(self.validations)}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
            suite = context.suites.add(
                gx.ExpectationSuite(
                    name=label,
                    expectations=expectations(spec, people=people, people_ref=people_ref),
                )
            )
            found = context.validation_definitions.add(
                gx.ValidationDefinition(name=label, data=definition, suite=suite)
            )
            self.validations[suite_key] = found
        return found


_EPHEMERAL = _Ephemeral()


@contextmanager
def _without_frame_fingerprint():
    """GX fingerprints every pandas batch (an MD5 over every row, ``pandas_data_fingerprint``
    in the batch markers) whenever the frame's shallow memory size is below its module constant
    ``HASH_THRESHOLD``; it has no setting to turn that off, and nothing here reads the marker.
    It was half of a gate's time on a 360,000-row frame, so it is turned off for our own
    validations only (under the lock), and the constant is restored afterwards."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    saved = engine.HASH_THRESHOLD
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved


def _report(name: str, results) -> GateReport:
    report = GateReport(name=name)
    for item in results:
        kwargs = item.expectation_config.kwargs
        data = item.result or {}
        observed = data.get("observed_value")
        report.results.append(
            GateResult(
                expectation=item.expectation_config.type,
                column=kwargs.get("column"),
                success=bool(item.success),
                unexpected_count=data.get("unexpected_count"),
                observed=len(observed) if isinstance(observed, list) else observed,
                element_count=data.get("element_count"),
            )
        )
    return report


def run_gates(
    target: pd.DataFrame | SqlTable,
    spec: AnonymisationSpec,
    *,
    name: str,
    evidence_dir: Path | None = None,
    people: list[dict] | None = None,
    known_people=None,
) -> GateReport:
    """Validate ``target`` against the spec's suite; write the evidence; never raise on a
    failed expectation (the caller decides), only on a broken set-up. ``people``: linked
    persons' tables (SQL targets); ``known_people``: a :class:`People` index (frames)."""
    from governance.anonymise.expectations import register_people, release_people

    # A frame's known persons under a reference stable per gate name, so its suite (which
    # names the reference, never a person) is made once.
    ref = register_people(known_people, f"frame:{name}") if known_people else None
    try:
        with _EPHEMERAL.lock:
            validation = _EPHEMERAL.validation(target, name, spec, list(people or []), ref)
            if isinstance(target, pd.DataFrame):
                with _without_frame_fingerprint():
                    result = validation.run(
                        batch_parameters={"dataframe": target}, result_format=RESULT_FORMAT
                    )
            else:
                result = validation.run(result_format=RESULT_FORMAT)
    finally:
        if ref:
            release_people(ref)
    report = _report(name, result.results)
    if evidence_dir is not None:
        report.evidence = _write_evidence(evidence_dir, name, spec, report)
    return report


def run_checkpoint(purpose_id: str, rule_id: str, *, url: str, evidence_dir: Path | None = None):
    """Run a rule's stored checkpoint of the GX project against the source at ``url``: the
    validation result joins the history and Data Docs are rebuilt (``reports/gx``)."""
    import governance.anonymise.expectations  # noqa: F401 (registers them)
    from governance.anonymise import gx_project
    from governance.policy import load_policy

    policy = load_policy()
    gx_project.ensure_current(policy)
    rule = next(r for r in policy.purpose(purpose_id).retention if r.id == rule_id)
    system = rule.entity.split(".", 1)[0]
    name = gx_project.gate_name(purpose_id, rule_id)
    context = gx_project.file_context({gx_project.url_variable(system): url})
    result = context.checkpoints.get(gx_project.gx_name(purpose_id, rule_id)).run()
    results = [item for run in result.run_results.values() for item in run.results]
    report = _report(name, results)
    report.data_docs = str(gx_project.data_docs_index())
    if evidence_dir is not None:
        report.evidence = _write_evidence(evidence_dir, name, rule.anonymise, report)
    return report


_CSS = (
    "body{font-family:sans-serif}td,th{border:1px solid #bbb;padding:.2rem .5rem}"
    ".bad{background:#fdd}.ok{background:#efe}"
)


def _counts(r: GateResult) -> str:
    """``0 of 564`` (rows failing of rows looked at), or the row count alone."""
    if r.unexpected_count is not None:
        of = f" of {r.element_count}" if r.element_count is not None else ""
        return f"{r.unexpected_count}{of}"
    return "" if r.element_count is None else f"– of {r.element_count}"


def _write_evidence(
    folder: Path, name: str, spec: AnonymisationSpec, report: GateReport
) -> list[str]:
    """The result as JSON and HTML: expectation, column, outcome, counts with their
    denominators, the Data Docs page when the project's checkpoint ran. Nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "gate": name,
        "at": datetime.now(UTC).isoformat(),
        "passed": report.passed,
        "k_target": spec.k,
        "l_target": spec.l,
        "quasi_identifiers": spec.quasi_identifiers,
        "sensitive": spec.sensitive,
        "data_docs": report.data_docs,
        "results": [
            {
                "expectation": r.expectation,
                "column": r.column,
                "success": r.success,
                "unexpected_count": r.unexpected_count,
                "element_count": r.element_count,
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
        f"<tr class={'ok' if r.success else 'bad'}><td>{html.escape(r.expectation)}</td>"
        f"<td>{html.escape(r.column or '')}</td><td>{'passed' if r.success else 'FAILED'}</td>"
        f"<td>{html.escape(_counts(r))}</td>"
        f"<td>{'' if not isinstance(r.observed, int | float) else r.observed}</td></tr>"
        for r in report.results
    )
    docs = (
        f'<p><a href="{html.escape(Path(report.data_docs).as_uri())}">Data Docs</a></p>'
        if report.data_docs
        else ""
    )
    page = (
        "<!doctype html><meta charset=utf-8><title>Anonymisation gate "
        f"{html.escape(name)}</title><style>{_CSS}</style>"
        f"<h1>Anonymisation gate: {html.escape(name)}</h1><p>{'PASSED' if report.passed else 'FAILED'}"
        f" · k ≥ {spec.k}, l ≥ {spec.l} over {html.escape(', '.join(spec.quasi_identifiers))}</p>"
        f"{docs}<table><tr><th>expectation</th><th>column</th><th>outcome</th>"
        f"<th>rows failing of rows</th><th>observed</th></tr>{rows}</table>"
    )
    html_path = folder / f"{name}.html"
    html_path.write_text(page, encoding="utf-8")
    return [str(json_path), str(html_path)]
