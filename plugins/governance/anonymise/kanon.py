"""k-anonymity and l-diversity: transform rows by the spec, then generalise further or suppress
the smallest classes until every class of quasi-identifiers has at least k rows and l distinct
sensitive values.

Two paths with one rule set:

* **frames** (:func:`anonymise_frame`): global recoding, climbing each quasi-identifier's
  hierarchy (the one with most distinct values first) while suppression would cost more than
  ``max_suppression`` of the rows, then suppressing what still violates;
* **SQL tables** (:class:`SqlAnonymiser`): the retention sweep transforms each batch at the
  spec's own level into the target table, in the same transaction that removes the originals,
  and :meth:`SqlAnonymiser.enforce` then suppresses the violating classes inside the database
  (GROUP BY ... HAVING), so no table is ever loaded whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa

from governance.anonymise.hierarchies import top_level
from governance.anonymise.techniques import RowContext, configured
from governance.anonymise.techniques.pseudonymise import pseudonym  # noqa: F401 (re-exported)
from governance.identity.recognisers import People
from governance.policy.models import AnonymisationSpec


@dataclass
class Report:
    """What an anonymisation did; counts and levels only, never values."""

    rows_in: int = 0
    rows_out: int = 0
    rows_suppressed: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    k_observed: int | None = None
    l_observed: int | None = None
    reached: bool = True
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "rows_suppressed": self.rows_suppressed,
            "levels": dict(self.levels),
            "k_observed": self.k_observed,
            "l_observed": self.l_observed,
            "reached": self.reached,
            "reason": self.reason,
        }


def transform_row(
    row: Mapping[str, Any],
    spec: AnonymisationSpec,
    key: bytes,
    levels: Mapping[str, int] | None = None,
    known: Sequence[str] = (),
    people: People | None = None,
) -> dict[str, Any]:
    """One source row -> one anonymised row (the output columns, in order), by the techniques
    of :mod:`governance.anonymise.techniques` the spec configures.

    ``known``: names and addresses that belong to the record (its own dropped columns are
    added here); ``people``: the persons the record links to. Both are scrubbed out of free
    text in every case form, with everything else the recognisers find.
    """
    names = [str(row[c]) for c in spec.drop if isinstance(row.get(c), str)] + list(known)
    context = RowContext(row=row, key=key, levels=levels or {}, names=names, people=people)
    out: dict[str, Any] = {}
    for technique, config in configured(spec):
        technique.apply(config, context, out)
    return {column: out[column] for column in spec.output_columns()}


def _violations(frame: pd.DataFrame, spec: AnonymisationSpec) -> pd.Series:
    """Boolean mask of rows in classes that break k or l."""
    if frame.empty:
        return pd.Series([], dtype=bool)
    groups = frame.groupby(spec.quasi_identifiers, dropna=False, sort=False)
    size = groups[spec.quasi_identifiers[0]].transform("size")
    bad = size < spec.k
    if spec.sensitive and spec.l > 1:
        distinct = groups[spec.sensitive].transform("nunique")
        bad = bad | (distinct < spec.l)
    return bad


def observed(frame: pd.DataFrame, spec: AnonymisationSpec) -> tuple[int | None, int | None]:
    """(smallest class size, fewest distinct sensitive values in a class)."""
    if frame.empty:
        return None, None
    groups = frame.groupby(spec.quasi_identifiers, dropna=False, sort=False)
    k = int(groups.size().min())
    l_value = int(groups[spec.sensitive].nunique().min()) if spec.sensitive else None
    return k, l_value


def anonymise_frame(
    frame: pd.DataFrame,
    spec: AnonymisationSpec,
    key: bytes,
    *,
    max_suppression: float = 0.05,
) -> tuple[pd.DataFrame, Report]:
    """Anonymise a whole frame; the report says how many rows were suppressed and whether
    k and l were reached (and why not)."""
    report = Report(rows_in=len(frame))
    records = frame.to_dict("records")
    levels = dict.fromkeys(spec.quasi_identifiers, 0)
    while True:
        out = pd.DataFrame(
            [transform_row(r, spec, key, levels) for r in records], columns=spec.output_columns()
        )
        bad = _violations(out, spec)
        budget = max_suppression * len(out)
        climbable = [q for q in spec.quasi_identifiers if levels[q] < top_level(spec.generalise[q])]
        if bad.sum() <= budget or not climbable:
            break
        # Coarsen the quasi-identifier with the most distinct values: it splits classes most.
        widest = max(climbable, key=lambda q: (out[q].nunique(), q))
        levels[widest] += 1
    kept = out[~bad].reset_index(drop=True) if len(out) else out
    report.rows_out = len(kept)
    report.rows_suppressed = len(out) - len(kept)
    report.levels = levels
    report.k_observed, report.l_observed = observed(kept, spec)
    if report.rows_in and kept.empty:
        report.reached = False
        report.reason = (
            f"no class reaches k={spec.k}"
            + (f" with l={spec.l} distinct {spec.sensitive} values" if spec.sensitive else "")
            + f": all {report.rows_in} rows suppressed"
        )
    return kept, report


class SqlAnonymiser:
    """Writes anonymised rows into the rule's target table and enforces k and l in SQL."""

    def __init__(
        self,
        engine: sa.Engine,
        spec: AnonymisationSpec,
        key: bytes,
        people: People | None = None,
    ) -> None:
        self.spec = spec
        self.key = key
        self.people = people
        metadata = sa.MetaData()
        self.table = sa.Table(
            spec.target_table,
            metadata,
            *[sa.Column(name, sa.Text) for name in spec.output_columns()],
        )
        metadata.create_all(engine, checkfirst=True)

    @classmethod
    def for_rule(cls, policy, engine: sa.Engine, rule) -> SqlAnonymiser:
        """The anonymiser of a retention rule: its spec, the subject key, and the persons its
        entity's rows link to (read once per sweep), whose names the scrub removes."""
        from governance.anonymise.linked import linked_people
        from governance.identity.pseudonym import subject_key

        people = linked_people(policy, engine, rule.entity)
        return cls(engine, rule.anonymise, subject_key(), people=people)

    def write_batch(self, conn: sa.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
        values = [
            {
                k: (None if v is None else str(v))
                for k, v in transform_row(r, self.spec, self.key, people=self.people).items()
            }
            for r in rows
        ]
        if values:
            conn.execute(sa.insert(self.table), values)
        return len(values)

    def violating_classes(self) -> sa.Select:
        qi = [self.table.c[q] for q in self.spec.quasi_identifiers]
        having = sa.func.count() < self.spec.k
        if self.spec.sensitive and self.spec.l > 1:
            having = sa.or_(
                having, sa.func.count(sa.distinct(self.table.c[self.spec.sensitive])) < self.spec.l
            )
        return sa.select(*qi).group_by(*qi).having(having)

    def enforce(self, conn: sa.Connection) -> int:
        """Suppress (delete) every row of a class that breaks k or l; returns how many."""
        qi = [self.table.c[q] for q in self.spec.quasi_identifiers]
        bad = self.violating_classes().subquery()
        condition = sa.and_(*[column == bad.c[column.name] for column in qi])
        doomed = sa.exists(sa.select(1).select_from(bad).where(condition))
        return conn.execute(sa.delete(self.table).where(doomed)).rowcount
