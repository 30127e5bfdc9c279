"""The one engine module that imports Airflow: what every governance DAG shares.

Keeping this in one place lets the engine stay importable (and testable) without Airflow.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta

from airflow.sdk import get_current_context

from governance import settings

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


#: The Airflow connection the DPO's e-mail goes through (``AIRFLOW_CONN_SMTP_GOVERNANCE``).
SMTP_CONN_ID = "smtp_governance"


def dpo_notifier() -> Callable[[str, str], None] | None:
    """``notify(subject, html)`` e-mailing the DPO (``GOVERNANCE_DPO_EMAIL``) through the SMTP
    connection, or None when either is not configured."""
    recipient = settings.dpo_email()
    if not recipient or not os.environ.get("AIRFLOW_CONN_" + SMTP_CONN_ID.upper()):
        return None

    def notify(subject: str, html: str) -> None:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        SmtpNotifier(
            to=recipient, smtp_conn_id=SMTP_CONN_ID, subject=subject, html_content=html
        ).notify(get_current_context())

    return notify
