"""Techniques on pandas frames: hierarchies, scrubbing, keyed pseudonyms, k/l enforcement."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from governance.anonymise.hierarchies import generalise
from governance.anonymise.kanon import anonymise_frame, observed, pseudonym
from governance.anonymise.scrub import scrub
from governance.estate import subject
from governance.policy.models import AnonymisationSpec

KEY = b"test-anonymisation-key-0123456789"

SPEC = AnonymisationSpec(
    target_table="people_statistics",
    drop=["full_name", "email", "phone"],
    pseudonymise={"id": "person_ref"},
    generalise={
        "personas_kods": "birth_year_from_personas_kods",
        "postcode": "postcode_region",
        "registered_at": "month",
    },
    scrub=["comment"],
    sensitive="complaint",
    k=5,
    l=2,
)


def people(n: int, seed: int = 1) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        p = subject(seed, i)
        rows.append(
            {
                "id": i + 1,
                "full_name": p.full_name,
                "email": p.email,
                "phone": p.phone,
                "personas_kods": p.personas_kods,
                "postcode": p.postcode,
                "registered_at": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00",
                "comment": f"Zvaniet {p.phone}, {p.full_name}, e-pasts {p.email}",
                "complaint": rng.choice(["late", "lost", "damaged", "wrong address"]),
            }
        )
    return pd.DataFrame(rows)


def test_hierarchies_climb_to_suppression():
    assert [generalise("month", "2025-05-17T10:00:00", lvl) for lvl in range(4)] == [
        "2025-05",
        "2025-Q2",
        "2025",
        "*",
    ]
    assert generalise("postcode_region", "LV-1010") == "Rīga"
    assert generalise("address_municipality", "Brīvības iela 1-2, Cēsis, LV-4101") == "Cēsis"
    assert generalise("birth_year_from_personas_kods", "010190-10003") in ("1990", "*")


def test_scrub_removes_identifiers_addresses_and_known_names():
    p = subject(3, 7)
    text = f"{p.full_name.upper()} raksta: {p.personas_kods}, {p.phone}, {p.email}, {p.street}, {p.postcode}"
    cleaned = scrub(text, [p.full_name])
    for value in (p.full_name.upper(), p.personas_kods, p.phone, p.email, p.postcode):
        assert value not in cleaned
    assert "[name]" in cleaned and "[personas_kods]" in cleaned


def test_pseudonyms_are_keyed_and_stable():
    assert pseudonym(42, KEY) == pseudonym(42, KEY)
    assert pseudonym(42, KEY) != pseudonym(42, b"another-key-0123456789abcdef")
    import hashlib

    assert hashlib.sha256(b"42").hexdigest()[:24] not in pseudonym(42, KEY)


def test_anonymise_frame_reaches_k_and_l_and_drops_identifiers():
    frame = people(400)
    out, report = anonymise_frame(frame, SPEC, KEY)
    assert report.reached and report.rows_out > 0
    assert list(out.columns) == SPEC.output_columns()
    k, l_value = observed(out, SPEC)
    assert k >= 5 and l_value >= 2
    assert report.rows_suppressed == report.rows_in - report.rows_out
    text = out.to_csv()
    for row in frame.itertuples():
        assert row.email not in text and row.personas_kods not in text and row.phone not in text


def test_k_below_two_is_rejected_naming_k():
    with pytest.raises(ValidationError, match="k must be at least 2"):
        AnonymisationSpec(target_table="t", generalise={"a": "keep"}, k=1, l=1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=0, max_value=120),
    k=st.integers(min_value=2, max_value=8),
    l_value=st.integers(min_value=1, max_value=3),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_enforcement_always_reaches_k_and_l_or_says_why(n, k, l_value, seed):
    rng = random.Random(seed)
    frame = pd.DataFrame(
        {
            "id": range(n),
            "when": [f"202{rng.randint(0, 5)}-{rng.randint(1, 12):02d}-01" for _ in range(n)],
            "where": [rng.choice(["LV-1010", "LV-3001", "LV-4101", "LV-5401"]) for _ in range(n)],
            "what": [rng.choice("abcd") for _ in range(n)],
        }
    )
    spec = AnonymisationSpec(
        target_table="t",
        pseudonymise={"id": "ref"},
        generalise={"when": "month", "where": "postcode_region"},
        sensitive="what",
        k=k,
        l=l_value,
    )
    out, report = anonymise_frame(frame, spec, KEY)
    if report.rows_out:
        groups = out.groupby(spec.quasi_identifiers)
        assert groups.size().min() >= k
        assert groups["what"].nunique().min() >= l_value
    if n and not report.rows_out:
        assert not report.reached and report.reason
    assert report.rows_in == n == report.rows_out + report.rows_suppressed
