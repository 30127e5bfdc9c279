"""The one engine module that imports Airflow: what every governance DAG shares.

Keeping this in one place lets the engine stay importable (and testable) without Airflow.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import get_current_context

#: Retries with back-off: a source that is down gets time to come back, then the task fails.
DEFAULT_ARGS = {
    "owner": "data-protection",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
}


def run_moment() -> datetime:
    """The run's moment (``run_after``): every task of a run judges "due" by the same clock,
    and a retried task judges as its first try did."""
    return get_current_context()["dag_run"].run_after


def run_id() -> str:
    return get_current_context()["run_id"]


def actor() -> str:
    """Who acts, for the ledger: the DAG, and the user who triggered the run if any."""
    context = get_current_context()
    user = getattr(context["dag_run"], "triggering_user_name", None)
    return f"airflow:{context['dag'].dag_id}" + (f" by {user}" if user else "")
