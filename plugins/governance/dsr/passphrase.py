"""Handing a package's passphrase to the DPO, once.

After the one retrieval only the time remains in the store, and the ledger records who took it;
a second ask is refused with that time, so a leaked copy can be dated.
"""

from __future__ import annotations

from governance.audit.ledger import Ledger
from governance.dsr import requests
from governance.dsr.crypto import unseal
from governance.store import open_store
from governance.store.engine import write_session
from governance.store.models import Request, utcnow


def retrieve_passphrase(request_id: str, actor: str) -> str:
    """The package's passphrase, once: afterwards only the time it was retrieved remains."""
    engine = open_store()
    with write_session(engine) as session:
        secret_row = requests.secret_of(session, request_id)
        row = session.get(Request, request_id)
        if secret_row.passphrase_encrypted is None:
            if row.passphrase_retrieved_at:
                raise requests.RequestError(
                    f"request {request_id}: the passphrase was already retrieved at "
                    f"{row.passphrase_retrieved_at:%Y-%m-%d %H:%M} UTC"
                )
            raise requests.RequestError(f"request {request_id} has no package yet")
        secret = unseal(secret_row.passphrase_encrypted)
        secret_row.passphrase_encrypted = None
        row.passphrase_retrieved_at = utcnow()
    Ledger(engine).append(
        "dsr_passphrase_retrieved", actor, request_id=request_id, counts={}, detail={}
    )
    return secret
