"""Who is calling the Privacy page, and what they may do.

Airflow serves a plugin's FastAPI app without authentication, so every route depends on
:func:`caller`: Airflow's own ``get_user`` (the UI's ``_token`` cookie or a Bearer header; no
token -> 401, a bad one -> 403), then the auth manager decides the role. Reading needs read
access to the ``dsr`` DAG's runs (viewer and above); writing needs the right to start them (user
and above), and, when ``GOVERNANCE_DPO_USERS`` names users, to be one of them. Asking the auth
manager rather than reading role names keeps this right under the simple and the FAB managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from airflow.api_fastapi.core_api.security import GetUserDep
from fastapi import Depends, HTTPException, Request, status

from governance import settings

DSR_DAG = "dsr"
DPO_USERS_ENV = "GOVERNANCE_DPO_USERS"


@dataclass(frozen=True)
class Caller:
    """An authenticated user of the page: a name for the audit trail and two permissions."""

    name: str
    can_read: bool
    can_write: bool
    token: str | None

    def require_write(self) -> None:
        if not self.can_write:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "this action is for the Data Protection Officer (read-only access)",
            )


def dpo_users() -> frozenset[str]:
    """Names from ``GOVERNANCE_DPO_USERS`` (comma-separated); empty means any user role."""
    return frozenset(settings.dpo_users())


def request_token(request: Request) -> str | None:
    """The caller's Airflow token, to forward to Airflow's REST API as the caller."""
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN

    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE_NAME_JWT_TOKEN)


def _authorized(user, method: str) -> bool:
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import (
        DagAccessEntity,
        DagDetails,
    )

    return bool(
        get_auth_manager().is_authorized_dag(
            method=method,
            access_entity=DagAccessEntity.RUN,
            details=DagDetails(id=DSR_DAG),
            user=user,
        )
    )


def caller(request: Request, user: GetUserDep) -> Caller:
    """The authenticated caller, or 401/403 before any route code runs."""
    can_read = _authorized(user, "GET")
    if not can_read:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "no access to the Privacy page")
    allowed = dpo_users()
    can_write = _authorized(user, "POST") and (not allowed or user.get_name() in allowed)
    return Caller(
        name=user.get_name(), can_read=True, can_write=can_write, token=request_token(request)
    )


CallerDep = Annotated[Caller, Depends(caller)]
