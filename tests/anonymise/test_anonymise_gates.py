"""The Great Expectations gates: a correct anonymisation passes, every kind of leak fails its
gate, on pandas and in SQL (SQLite, or PostgreSQL in that pass: its own regex dialect), and the
evidence of a failed run holds no leaked value."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from test_anonymise_frames import KEY, SPEC, people

from governance.anonymise.gates import PERSONAL_DATA, SqlTable, run_gates
from governance.anonymise.kanon import anonymise_frame


@pytest.fixture(scope="module")
def clean():
    frame = people(400)
    out, report = anonymise_frame(frame, SPEC, KEY)
    assert report.reached
    return frame, out


def _sql(new_database, frame: pd.DataFrame) -> SqlTable:
    """The frame as a table in a fresh database of the pass's back end."""
    url = new_database("anon")
    engine = sa.create_engine(url)
    frame.astype(str).to_sql("people_statistics", engine, index=False, if_exists="replace")
    engine.dispose()
    return SqlTable(url, "people_statistics")


@pytest.mark.parametrize("engine", ["pandas", "sql"])
def test_a_correct_anonymisation_passes_every_gate(clean, tmp_path, engine, new_database):
    _, out = clean
    target = out if engine == "pandas" else _sql(new_database, out)
    report = run_gates(target, SPEC, name="people", evidence_dir=tmp_path / "evidence")
    assert report.passed, report.summary_lines()
    assert report.observed("expect_table_k_anonymity") >= 5
    assert report.observed("expect_table_l_diversity") >= 2
    assert (tmp_path / "evidence" / "people.json").exists()


def _leaks(
    frame: pd.DataFrame, out: pd.DataFrame
) -> dict[str, tuple[pd.DataFrame, str, list[str]]]:
    """leak name -> (leaky table, the expectation that must fail, the values that leaked)."""
    code = frame.loc[0, "personas_kods"]
    comment = out.copy()
    comment.loc[0, "comment"] = f"klients {code} zvanīja"
    unique = out.copy()
    unique.loc[0, "registered_at"] = "1999-12"
    single = out.copy()
    first_class = single.groupby(SPEC.quasi_identifiers).ngroup() == 0
    single.loc[first_class, "complaint"] = "lost"
    key = out.copy()
    key.loc[0, "person_ref"] = str(frame.loc[0, "id"])
    extra = out.copy()
    extra["email"] = frame["email"].iloc[: len(out)].to_numpy()
    return {
        "personas kods in a comment": (
            comment,
            PERSONAL_DATA,
            [code],
        ),
        "unique quasi-identifiers": (unique, "expect_table_k_anonymity", ["1999-12"]),
        "one sensitive value in a class": (single, "expect_table_l_diversity", []),
        "surviving key": (key, "expect_column_values_to_match_regex", []),
        "extra column": (extra, "expect_table_columns_to_match_set", list(extra["email"][:5])),
    }


@pytest.mark.parametrize("engine", ["pandas", "sql"])
@pytest.mark.parametrize(
    "leak",
    [
        "personas kods in a comment",
        "unique quasi-identifiers",
        "one sensitive value in a class",
        "surviving key",
        "extra column",
    ],
)
def test_each_leak_fails_its_gate_and_the_evidence_leaks_nothing(
    clean, tmp_path, engine, leak, new_database
):
    frame, out = clean
    table, expectation, values = _leaks(frame, out)[leak]
    target = table if engine == "pandas" else _sql(new_database, table)
    report = run_gates(target, SPEC, name="leaky", evidence_dir=tmp_path / "evidence")
    assert not report.passed
    assert expectation in {r.expectation for r in report.failed}
    evidence = "".join(p.read_text() for p in (tmp_path / "evidence").iterdir())
    evidence += "\n".join(report.summary_lines())
    for value in values:
        assert value not in evidence
    assert expectation in evidence and "FAILED" in evidence
