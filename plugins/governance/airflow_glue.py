"""The one engine module that imports Airflow: what every governance DAG shares.

Keeping this in one place lets the engine stay importable (and testable) without Airflow.

DAG tasks call the engine through :func:`call_engine`, which turns the kind of a
:class:`~governance.errors.GovernanceError` into what Airflow should do:

* :class:`~governance.errors.TerminalError` (bad input or configuration, a broken policy, a
  failed verification, a finding): ``AirflowFailException``, the task fails at once, no retry.
* :class:`~governance.errors.TransientError` (a source down, a lock held): re-raised as it is,
  so ``DEFAULT_ARGS``' retries with exponential back-off apply.
* :class:`~governance.errors.WaitingError` (waiting on an external party): the task is
  *rescheduled* (``AirflowRescheduleException``) to run again after :data:`WAIT_INTERVAL`.
  Airflow 3.3 honours a reschedule from any task, not only from sensors: the task sits in
  ``up_for_reschedule`` and frees its worker and pool slot, a reschedule uses none of the task's
  retries (a wait is not a failure), and the task body runs again from the start, which our
  idempotent bodies allow. Deferring to a trigger would need a custom operator and a running
  triggerer for what is only a timer; a retry with a long delay would spend the retries meant
  for faults and show the task as failing when nothing has failed.

Anything else (a bug, an unclassified error) propagates and is retried like a transient error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar

from airflow.sdk import get_current_context
from airflow.sdk.exceptions import AirflowFailException, AirflowRescheduleException

from governance import settings
from governance.errors import GovernanceError, TerminalError, WaitingError

log = logging.getLogger("governance.glue")
P = ParamSpec("P")
R = TypeVar("R")

#: How long a task waiting on an external party sleeps before it checks again.
WAIT_INTERVAL = timedelta(hours=1)

#: Retries with back-off: a source that is down gets time to come back, then the task fails.
DEFAULT_ARGS = {
    "owner": "data-protection",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
}


def describe(error: GovernanceError) -> str:
    """The error's kind, text, field and fix in one line (all PII-free by the engine's rule)."""
    text = f"{type(error).__name__}: {error}"
    if error.field:
        text += f" [field: {error.field}]"
    if error.fix:
        text += f" Fix: {error.fix}"
    return text


def call_engine(body: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run an engine task body; its error's kind decides fail now, retry, or check later."""
    try:
        return body(*args, **kwargs)
    except TerminalError as error:
        raise AirflowFailException(describe(error)) from error
    except WaitingError as error:
        log.info("waiting, checking again in %s: %s", WAIT_INTERVAL, describe(error))
        raise AirflowRescheduleException(datetime.now(UTC) + WAIT_INTERVAL) from error


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
