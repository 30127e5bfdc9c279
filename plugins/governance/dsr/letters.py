"""The response letter of a request that gets no package (erasure, rectification, restriction,
objection): what was done and what was kept, per purpose, in both languages of the notice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine

from governance import settings
from governance.dsr.documents import OutcomeLine, render
from governance.dsr.requests import RequestView
from governance.policy import Policy
from governance.store.engine import write_session
from governance.store.models import Request, RequestRecord


def write_response(
    engine: Engine,
    policy: Policy,
    view: RequestView,
    stored: Sequence[RequestRecord],
    today: date,
) -> dict[str, Any]:
    """Write ``response.lv.html`` and ``response.en.html`` into the request's outbox folder."""
    lines: Counter[tuple[str, str, str, date | None]] = Counter(
        (r.purpose or "?", r.decision or "no_change", r.reason or "", r.retain_until)
        for r in stored
        if r.decision not in (None, "out_of_scope")
    )
    outcome = [
        OutcomeLine(purpose=p, decision=d, count=n, why=why, until=until)
        for (p, d, why, until), n in sorted(lines.items(), key=lambda item: item[0][:2])
    ]
    purposes = sorted({r.purpose for r in stored if r.purpose})
    folder = settings.outbox_root() / view.id
    folder.mkdir(parents=True, exist_ok=True)
    for lang in ("lv", "en"):
        html = render(
            policy,
            lang,
            request_id=view.id,
            request_type=view.type,
            received=view.received_on,
            answered=today,
            purposes=purposes,
            kind="response",
            outcome=outcome,
        )
        (folder / f"response.{lang}.html").write_text(html, encoding="utf-8")
    with write_session(engine) as session:
        session.get(Request, view.id).response_path = f"{view.id}/response.en.html"
    return {"package": False, "lines": len(outcome)}
