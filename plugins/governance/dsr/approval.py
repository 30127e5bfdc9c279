"""The DPO's approval of a request's plan: the choices, defined once, and the text beside them.

The ``dsr`` DAG offers exactly :data:`APPROVAL_OPTIONS` in Airflow's Required actions, and
:func:`~governance.dsr.tasks.carry_out` acts on the one chosen; both import them from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the DAG file imports the choices at parse time: keep that import light
    from governance.store.models import RequestRecord

APPROVE = "Approve"
APPROVE_ALL = "Approve, including possible matches and mentions"
REJECT = "Reject"
APPROVAL_OPTIONS = (APPROVE, APPROVE_ALL, REJECT)


def approval_text(request_type: str, stored: Iterable[RequestRecord]) -> str:
    """What the DPO sees in Required actions: counts per source, purpose and decision only."""
    stored = list(stored)
    table: Counter[tuple[str, str, str, str]] = Counter(
        (r.system, r.purpose or "?", r.match, r.decision or "?") for r in stored
    )
    lines = [
        f"**{request_type}** request: {len(stored)} record(s) found. Identifiers are never "
        "shown here; open the request on the Privacy page for details.",
        "",
        "| source | purpose | match | decision | records |",
        "|---|---|---|---|---:|",
    ]
    lines += [f"| {s} | {p} | {m} | {d} | {n} |" for (s, p, m, d), n in sorted(table.items())]
    lines += [
        "",
        f"*{APPROVE}*: carry out the sure matches only. *{APPROVE_ALL}*: also the possible "
        f"matches (same name) and mentions in free text. *{REJECT}*: change nothing and close "
        "the request as rejected.",
    ]
    return "\n".join(lines)
