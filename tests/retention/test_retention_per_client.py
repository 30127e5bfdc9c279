"""A per-client rule (a processor's contract period) overrides the purpose's general rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from governance.estate import build_estate, connection_env, estate_urls
from governance.estate.schema import metadata_for
from governance.holds import HoldSet
from governance.policy import load_policy
from governance.retention.sweep import plan_rule, sweep_rule
from governance.sources import SqlSources

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
BITE = "SIA Piemēra Sakari"  # the demo estate's client with its own contract period


def test_the_most_specific_rule_governs_its_rows(tmp_path, monkeypatch):
    estate = tmp_path / "estate"
    build_estate(estate, 400, 5)
    for key, value in connection_env(estate).items():
        monkeypatch.setenv(key, value)
    policy = load_policy()
    engine = sa.create_engine(estate_urls(estate)["sms_gateway"])
    messages = metadata_for("sms_gateway").tables["sms_messages"]
    query = sa.select(messages.c.client_name, messages.c.sent_at)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    naive = NOW.replace(tzinfo=None)
    six_months, two_years = naive - timedelta(days=184), naive - timedelta(days=731)
    bite_between = [t for c, t in rows if c == BITE and two_years < t < six_months]
    assert bite_between, "the estate should have Bite messages between 6 months and 2 years old"

    sources = SqlSources(policy)
    general = plan_rule(policy, sources, "sms_messaging", "sent_sms", now=NOW, holds=HoldSet([]))
    assert general.due == sum(1 for c, t in rows if c != BITE and t < naive - timedelta(days=183))
    sweep_rule(policy, sources, "sms_messaging", "sent_sms", now=NOW, holds=HoldSet([]))
    sweep_rule(
        policy, sources, "sms_messaging", "sent_sms_two_year_contract", now=NOW, holds=HoldSet([])
    )
    sources.dispose()
    with engine.connect() as conn:
        left = [tuple(r) for r in conn.execute(query)]
    engine.dispose()
    assert all(t >= two_years - timedelta(days=1) for c, t in left if c == BITE)
    assert len([t for c, t in left if c == BITE and t < six_months]) == len(bite_between)
    assert all(t >= six_months - timedelta(days=2) for c, t in left if c != BITE)
