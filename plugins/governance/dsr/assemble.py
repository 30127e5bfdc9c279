"""What goes into an access or portability package, and where the DPO finds it afterwards.

The zip format is ``dsr/package.py``'s job; this module chooses the records, reads their rows
and files from the sources, writes the README and the manifest (every source with its status),
and keeps the package's place and sealed passphrase in the store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from governance import settings
from governance.dsr import requests
from governance.dsr.crypto import new_passphrase, seal
from governance.dsr.documents import render
from governance.dsr.execute import fetch_rows
from governance.dsr.package import build_package
from governance.dsr.requests import RequestView
from governance.dsr.searchable import searchable_systems
from governance.policy import Policy
from governance.sources import SqlSources
from governance.store import open_store
from governance.store.engine import write_session
from governance.store.models import Request, RequestRecord, utcnow


def included(record: RequestRecord, include_uncertain: bool) -> bool:
    """A record goes into the package when the plan included it, or (approved by the DPO)
    when it was an uncertain match."""
    return record.decision == "include" or (
        include_uncertain and record.decision == "include_if_approved"
    )


def assemble_package(
    engine: Engine,
    policy: Policy,
    view: RequestView,
    stored: Sequence[RequestRecord],
    include_uncertain: bool,
    today: date,
) -> dict[str, Any]:
    """Write the request's package to the outbox; returns counts only."""
    chosen = [r for r in stored if included(r, include_uncertain)]
    by_entity: dict[str, list[str]] = defaultdict(list)
    for record in chosen:
        by_entity[record.entity].append(record.record_key)
    tables: dict[str, list[dict[str, Any]]] = {}
    files: dict[str, bytes] = {}
    sources = SqlSources(policy)
    try:
        for entity, keys in sorted(by_entity.items()):
            system, name = entity.split(".", 1)
            model = policy.entity(entity)
            if view.type == "portability":
                columns = [model.primary_key, *model.subject_provided_columns()]
            else:
                columns = list(model.columns)
            with sources.engine(system).connect() as conn:
                rows = fetch_rows(conn, sources, policy, entity, keys)
            tables[f"{system}/{name}"] = [
                {c: row.get(c) for c in columns} for _, row in sorted(rows.items())
            ]
            file_columns = [c for c in columns if model.columns[c].file]
            root = sources.files_root(system)
            for row in rows.values():
                for column in file_columns:
                    relative = row.get(column)
                    if relative and root is not None and (root / relative).exists():
                        files[f"{system}/{relative}"] = (root / relative).read_bytes()
    finally:
        sources.dispose()
    purposes = sorted({r.purpose for r in chosen if r.purpose})
    documents = {
        f"README.{lang}.html": render(
            policy,
            lang,
            request_id=view.id,
            request_type=view.type,
            received=view.received_on,
            answered=today,
            purposes=purposes,
            kind="package",
        )
        for lang in ("lv", "en")
    }
    counts = Counter(r.system for r in stored)
    searchable = searchable_systems(policy)
    manifest = {
        "request_id": view.id,
        "type": view.type,
        "created_at": utcnow().isoformat(),
        "policy_version": policy.version,
        "complete": True,
        "sources": [
            {
                "system": system,
                "status": "searched"
                if system in searchable
                else "not searchable by identifiers (no identifier or free-text columns)",
                "records_found": counts.get(system, 0),
            }
            for system in sorted(policy.sources)
        ],
        "records_included": len(chosen),
        "uncertain_matches_included": include_uncertain,
    }
    passphrase = new_passphrase()
    path = build_package(
        request_id=view.id,
        passphrase=passphrase,
        manifest=manifest,
        tables=tables,
        files=files,
        documents=documents,
    )
    with write_session(engine) as session:
        secret = requests.secret_of(session, view.id)
        secret.package_file = path_in_outbox(path)
        secret.passphrase_encrypted = seal(passphrase)
        session.get(Request, view.id).passphrase_retrieved_at = None
    return {"package": True, "records": len(chosen), "files": len(files), "tables": len(tables)}


def path_in_outbox(path) -> str:
    """``path`` relative to the outbox root (what the store keeps; the retention sweep of the
    governance source resolves it against its file connection, the outbox)."""
    root = str(settings.outbox_root()).rstrip("/")
    text = str(path)
    return text[len(root) + 1 :] if text.startswith(root + "/") else text


def package_path(request_id: str) -> str | None:
    """Where a request's package is, for the DPO (None without one)."""
    with Session(open_store()) as session:
        secret = requests.secret_of(session, request_id)
        if not secret.package_file:
            return None
        return str(settings.outbox_root() / secret.package_file)
