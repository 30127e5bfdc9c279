"""The auditor's report for a period: what was swept, held, gated and answered, and whether
the record of it is intact. Built from the ledger and the request dates only: no personal data.

Every figure comes from one place an auditor can check: sweep counts and holds from ledger
entries dated in the period; requests from the governance store's request rows (dates,
type, status, extension reason), never their identifiers.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from governance.audit.anchors import anchor_root, verify_against_anchors
from governance.audit.ledger import Ledger
from governance.identity import contains_identifier
from governance.policy.deadlines import effective_due
from governance.store.models import Request

REMOVAL_KEYS = ("deleted", "archived", "anonymised")


def _safe(text: Any) -> str:
    """Staff-written reasons are checked by the ledger already; redact anyway if one trips."""
    value = "" if text is None else str(text)
    return "[redacted]" if contains_identifier(value) else value


@dataclass
class RuleFigures:
    sweeps: int = 0
    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REMOVAL_KEYS, 0))
    held: int = 0
    suppressed: int = 0


@dataclass
class PurposeFigures:
    runs: set[str] = field(default_factory=set)
    rules: dict[str, RuleFigures] = field(default_factory=lambda: defaultdict(RuleFigures))
    holds_placed: list[str] = field(default_factory=list)
    holds_released: list[str] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RequestFigures:
    received: Counter = field(default_factory=Counter)
    closed_on_time: Counter = field(default_factory=Counter)
    closed_late: Counter = field(default_factory=Counter)
    open_overdue: Counter = field(default_factory=Counter)
    open_in_time: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    extensions: list[tuple[str, str, str]] = field(default_factory=list)  # id, type, reason


@dataclass
class Report:
    start: date
    end: date
    purposes: dict[str, PurposeFigures]
    requests: RequestFigures
    ledger_ok: bool
    ledger_entries: int
    ledger_reason: str
    anchors_checked: int
    anchors_ok: bool
    anchors_reason: str
    policy_versions: dict[str, tuple[str, str]]


def build_report(engine: Engine, start: date, end: date) -> Report:
    """Figures for ``start`` to ``end`` inclusive (UTC dates)."""
    ledger = Ledger(engine)
    purposes: dict[str, PurposeFigures] = defaultdict(PurposeFigures)
    versions: dict[str, tuple[str, str]] = {}
    for entry in ledger.entries():
        day = entry.at.date()
        if not start <= day <= end:
            continue
        if entry.policy_version:
            first, _ = versions.get(entry.policy_version, (day.isoformat(), ""))
            versions[entry.policy_version] = (first, day.isoformat())
        figures = purposes[entry.purpose] if entry.purpose else None
        if entry.event == "retention_sweep" and figures is not None:
            figures.runs.add(str(entry.detail.get("run_id")))
            rule = figures.rules[entry.rule or "?"]
            rule.sweeps += 1
            for key in REMOVAL_KEYS:
                rule.removed[key] += int(entry.counts.get(key, 0))
            rule.held += int(entry.counts.get("held", 0))
            rule.suppressed += int(entry.counts.get("suppressed", 0))
        elif entry.event == "hold_placed" and figures is not None:
            figures.holds_placed.append(
                f"{entry.detail.get('hold_id', '?')}: {_safe(entry.detail.get('reason'))}"
            )
        elif entry.event == "hold_released" and figures is not None:
            figures.holds_released.append(
                f"{entry.detail.get('hold_id', '?')}: {_safe(entry.detail.get('reason'))}"
            )
        elif entry.event == "anonymisation_gate" and figures is not None:
            figures.gates.append(
                {
                    "rule": entry.rule,
                    "at": entry.at.strftime("%Y-%m-%d %H:%M"),
                    "passed": bool(entry.detail.get("passed")),
                    "k": entry.counts.get("k_observed"),
                    "l": entry.counts.get("l_observed"),
                    "k_target": entry.detail.get("k_target"),
                    "l_target": entry.detail.get("l_target"),
                }
            )
    requests = RequestFigures()
    with Session(engine) as session:
        for row in session.scalars(select(Request)):
            due = effective_due(row.due_on, row.extended_due_on)
            if start <= row.received_on <= end:
                requests.received[row.type] += 1
            closed = row.closed_at.date() if row.closed_at else None
            if closed and start <= closed <= end:
                (requests.closed_on_time if closed <= due else requests.closed_late)[row.type] += 1
                requests.outcomes[row.status] += 1
            if row.received_on <= end and (closed is None or closed > end):
                (requests.open_overdue if due < end else requests.open_in_time)[row.type] += 1
            if row.extended_due_on and row.received_on <= end:
                requests.extensions.append((row.id, row.type, _safe(row.extension_reason)))
    chain = ledger.verify()
    anchors = verify_against_anchors(engine, anchor_root())
    return Report(
        start=start,
        end=end,
        purposes=dict(sorted(purposes.items())),
        requests=requests,
        ledger_ok=chain.ok,
        ledger_entries=chain.checked,
        ledger_reason=chain.reason,
        anchors_checked=anchors.anchors_checked,
        anchors_ok=anchors.ok,
        anchors_reason=anchors.reason,
        policy_versions=versions,
    )


def tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every table of the report: one source for md and html."""
    sweep_rows = []
    for purpose, figures in report.purposes.items():
        for rule, r in sorted(figures.rules.items()):
            sweep_rows.append(
                [
                    purpose,
                    rule,
                    str(r.sweeps),
                    *(str(r.removed[k]) for k in REMOVAL_KEYS),
                    str(r.held),
                    str(r.suppressed),
                ]
            )
    holds = [
        [purpose, "placed", text]
        for purpose, f in report.purposes.items()
        for text in f.holds_placed
    ] + [
        [purpose, "released", text]
        for purpose, f in report.purposes.items()
        for text in f.holds_released
    ]
    gates = [
        [
            purpose,
            g["rule"] or "",
            g["at"],
            "passed" if g["passed"] else "FAILED",
            f"{g['k']} (≥ {g['k_target']})",
            f"{g['l']} (≥ {g['l_target']})",
        ]
        for purpose, f in report.purposes.items()
        for g in f.gates
    ]
    rq = report.requests
    types = sorted(
        set(rq.received)
        | set(rq.closed_on_time)
        | set(rq.closed_late)
        | set(rq.open_overdue)
        | set(rq.open_in_time)
    )
    requests = [
        [
            t,
            str(rq.received[t]),
            str(rq.closed_on_time[t]),
            str(rq.closed_late[t]),
            str(rq.open_in_time[t]),
            str(rq.open_overdue[t]),
        ]
        for t in types
    ]
    integrity = [
        [
            "hash chain",
            "intact" if report.ledger_ok else "BROKEN",
            f"{report.ledger_entries} entries verified from #1; {report.ledger_reason}",
        ],
        [
            "anchors",
            "intact" if report.anchors_ok else "BROKEN",
            f"{report.anchors_checked} anchor(s) checked; {report.anchors_reason}",
        ],
    ]
    versions = [
        [v[:12], first, last]
        for v, (first, last) in sorted(report.policy_versions.items(), key=lambda i: i[1])
    ]
    return [
        (
            "Retention sweeps",
            ["purpose", "rule", "sweeps", *REMOVAL_KEYS, "held", "suppressed"],
            sweep_rows,
        ),
        ("Legal holds placed and released", ["purpose", "event", "hold: reason"], holds),
        (
            "Anonymisation gates",
            ["purpose", "rule", "at (UTC)", "result", "k observed", "l observed"],
            gates,
        ),
        (
            "Data-subject requests",
            ["type", "received", "closed on time", "closed late", "open, in time", "open, overdue"],
            requests,
        ),
        ("Extensions", ["request", "type", "reason"], [list(e) for e in rq.extensions]),
        (
            "Outcomes of requests closed in the period",
            ["status", "requests"],
            [[k, str(v)] for k, v in sorted(rq.outcomes.items())],
        ),
        ("Ledger integrity", ["check", "result", "detail"], integrity),
        ("Policy versions in force", ["version", "first seen", "last seen"], versions),
    ]


def render(report: Report, fmt: str) -> str:
    """``md`` or ``html`` (self-contained, everything escaped)."""
    title = f"Audit report {report.start.isoformat()} to {report.end.isoformat()}"
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if fmt == "md":
        out = [
            f"# {title}",
            "",
            f"Generated {generated}. No personal data: counts, ids, dates and staff-written reasons.",
            "",
        ]
        for name, header, rows in tables(report):
            out += [f"## {name}", ""]
            if not rows:
                out += ["(none in the period)", ""]
                continue
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            out += [
                "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows
            ]
            out.append("")
        return "\n".join(out)
    if fmt == "html":
        parts = [
            "<!doctype html><html><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:70rem;margin:2rem auto}}"
            "table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}"
            "</style></head><body>",
            f"<h1>{html.escape(title)}</h1><p>Generated {html.escape(generated)}. No personal data.</p>",
        ]
        for name, header, rows in tables(report):
            parts.append(f"<h2>{html.escape(name)}</h2>")
            if not rows:
                parts.append("<p>(none in the period)</p>")
                continue
            parts.append(
                "<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"
            )
            parts += [
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in rows
            ]
            parts.append("</table>")
        parts.append("</body></html>")
        return "\n".join(parts)
    raise ValueError("--format: expected html or md")
