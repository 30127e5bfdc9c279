"""anonymisation_quality: prove, after every anonymising sweep and once a day, that every
anonymised table still singles no one out.

One task per anonymising rule of the policy runs the rule's checkpoint of the Great
Expectations project in gx/ (column set, no personal data by the product's recognisers,
pseudonyms, k-anonymity, l-diversity) in the source database; each writes a ledger entry
(compliant or not), adds the validation to the history and rebuilds Data Docs under
reports/gx/, writes PII-free evidence under reports/evidence/, and fails when a gate fails.
"""

from __future__ import annotations

import logging

from airflow.sdk import Asset, AssetAny, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from governance.airflow_glue import DEFAULT_ARGS, actor, call_engine, run_id
from governance.policy import load_policy

log = logging.getLogger("governance.anonymise")

_RULES = [
    (purpose.id, rule.id) for purpose, rule in load_policy().rules() if rule.action == "anonymise"
]
_ASSETS = sorted({f"governance://retention/{purpose_id}" for purpose_id, _ in _RULES})


def _schedule():
    """Daily, and also whenever a purpose with an anonymising rule has been swept."""
    daily = CronTriggerTimetable("30 4 * * *", timezone="UTC")
    if not _ASSETS:
        return daily
    assets = [Asset(uri) for uri in _ASSETS]
    return AssetOrTimeSchedule(
        timetable=daily, assets=assets[0] if len(assets) == 1 else AssetAny(*assets)
    )


@dag(
    dag_id="anonymisation_quality",
    schedule=_schedule(),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["governance", "anonymisation", "audit"],
    doc_md=__doc__,
)
def anonymisation_quality():
    @task  # a failed gate is a finding (terminal): it fails at once, no retry
    def gate(purpose_id: str, rule_id: str) -> dict:
        from governance.audit.logline import log_decision
        from governance.retention import tasks

        result = call_engine(tasks.gate, purpose_id, rule_id, run_id=run_id(), actor=actor())
        log_decision(log, "anonymise.gates", purpose=purpose_id, rule=rule_id, **result)
        return result

    for purpose_id, rule_id in _RULES:
        gate.override(task_id=f"{purpose_id}__{rule_id}")(purpose_id, rule_id)


anonymisation_quality()
