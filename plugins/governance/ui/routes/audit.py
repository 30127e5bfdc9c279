"""The auditor's pages: the report for a period (from the ledger and request dates only) and
the Record of Processing Activities (GDPR Art. 30) in either language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import HTMLResponse

from governance.audit.report import build_report, tables
from governance.policy import load_policy
from governance.policy.ropa import render_ropa
from governance.ui.access import CallerDep
from governance.ui.web import page, store

router = APIRouter()


@router.get("/audit", response_class=HTMLResponse)
def audit_page(who: CallerDep, start: date | None = None, end: date | None = None) -> HTMLResponse:
    end = end or datetime.now(UTC).date()
    start = start or end - timedelta(days=365)
    report = build_report(store(), start, end)
    return page(
        "audit.html",
        who,
        "audit",
        report=report,
        tables=tables(report),
        start=start,
        end=end,
    )


@router.get("/audit/ropa", response_class=HTMLResponse)
def ropa_page(who: CallerDep, lang: str = "en") -> HTMLResponse:
    if lang not in ("lv", "en"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "lang: expected lv or en")
    return HTMLResponse(render_ropa(load_policy(), lang, "html"))
