"""Plan and verify one retention rule: count what is due, kept and free to go, changing nothing.

Where the due rows need no judgement beyond the holds and restrictions
(:meth:`Selector.judged_in_sql`), the certainly-due rows are counted in the database and only
the rows a hold or restriction may keep, and those near the due boundary, are read and judged
(subject holds: their rows' identifiers are hashed first, a page at a time). Otherwise every due
row is read and judged, page by page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import chain

import sqlalchemy as sa

from governance.holds import HoldSet
from governance.policy import Policy
from governance.retention.counts import RuleCounts, log_counts
from governance.retention.selection import Classified, Selector, resolve
from governance.sources import SqlSources


def _count_not_due(conn: sa.Connection, selector: Selector) -> int:
    """Rows with an anchor that is not yet due (never-due rows without anchor are not counted):
    those past the window counted in SQL, those inside it decided one by one."""
    scope = selector.scope()
    far = selector.count(conn, sa.not_(selector.below_possible()), *scope)
    near = [selector.anchor.is_not(None), selector.from_certain(), selector.below_possible()]
    query = sa.select(selector.anchor).where(*near, *scope)
    window = selector.target.window
    return far + sum(1 for (anchor,) in conn.execute(query) if not window.is_due(anchor))


@dataclass
class _Tally:
    due: int = 0
    held: int = 0
    restricted: int = 0
    blocked: int = 0
    actionable: int = 0

    def add(self, page: Classified) -> None:
        self.due += page.due
        self.held += page.held
        self.restricted += page.restricted
        self.blocked += page.blocked
        self.actionable += len(page.actionable)


def plan_rule(
    policy: Policy,
    sources: SqlSources,
    purpose_id: str,
    rule_id: str,
    *,
    now: datetime,
    holds: HoldSet,
    restrictions: HoldSet | None = None,
    batch_size: int = 5000,
    sql_holds: bool = True,
) -> RuleCounts:
    """Count what a sweep would do, changing nothing."""
    target = resolve(policy, purpose_id, rule_id, now)
    selector = Selector(policy, sources, target, holds, restrictions, sql_holds=sql_holds)
    tally = _Tally()
    with sources.engine(target.entity.split(".")[0]).connect() as conn:
        if selector.judged_in_sql():
            kept = selector.kept(selector.subject_kept_keys(conn, batch_size))
            due = [*selector.certainly_due()]
            free = selector.count(conn, *due, *([] if kept is None else [sa.not_(kept)]))
            tally.due = tally.actionable = free
            pages = chain(
                selector.pages(conn, batch_size, band="kept", kept=kept, slim=True),
                selector.pages(conn, batch_size, band="boundary", slim=True),
            )
        else:
            pages = selector.pages(conn, batch_size)
        for page in pages:
            tally.add(selector.classify(conn, page))
        not_due = _count_not_due(conn, selector)
    counts = RuleCounts(**asdict(tally), not_due=not_due)
    log_counts("retention.plan", policy, target, counts)
    return counts


def verify_rule(
    policy: Policy,
    sources: SqlSources,
    purpose_id: str,
    rule_id: str,
    *,
    now: datetime,
    holds: HoldSet,
    planned: RuleCounts,
    restrictions: HoldSet | None = None,
) -> tuple[bool, RuleCounts, list[str]]:
    """Re-query after a sweep: nothing due and free to go remains; nothing not yet due was lost.

    Returns ``(ok, counts now, problems)``; problems are PII-free sentences.
    """
    after = plan_rule(
        policy, sources, purpose_id, rule_id, now=now, holds=holds, restrictions=restrictions
    )
    problems = []
    if after.actionable:
        problems.append(f"{after.actionable} due, unheld records remain")
    if after.not_due < planned.not_due:
        problems.append(f"records not yet due fell from {planned.not_due} to {after.not_due}")
    return not problems, after, problems
