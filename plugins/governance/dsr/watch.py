"""The deadline watch: requests due within 7 days or overdue, as PII-free findings.

``governance_daily`` fails a task on any finding (so Airflow's grid and alerting show it) and,
when an SMTP connection is configured, e-mails the DPO the same lines: request ids, types, due
dates and states, never an identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from governance.dsr.requests import list_requests


@dataclass(frozen=True)
class Finding:
    request_id: str
    type: str
    due: date
    state: str  # overdue | due_soon
    status: str

    def line(self, today: date) -> str:
        days = (self.due - today).days
        when = f"{-days} day(s) overdue" if days < 0 else f"due in {days} day(s)"
        return (
            f"request {self.request_id} ({self.type}, {self.status}): due {self.due.isoformat()}, "
            f"{when}"
        )


def findings(engine: Engine, today: date) -> list[Finding]:
    """Open requests that are overdue or due within 7 days, the most urgent first."""
    found = []
    for view in list_requests(engine):
        state = view.deadline(today)
        if state in ("overdue", "due_soon"):
            found.append(Finding(view.id, view.type, view.due, state, view.status))
    return sorted(found, key=lambda f: (f.due, f.request_id))
