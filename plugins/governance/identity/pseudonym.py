"""Keyed pseudonyms of identifiers (``subject_ref``), for logs, the ledger and joins.

A plain hash of a personas kods or a phone number is reversible by enumeration (there are only
millions of them); an HMAC under a secret key is not, for anyone without the key. The value is
normalised first, so every spelling of one identifier gets one reference, and the kind is mixed
into the message, so the same string as a name and as an address gets two references.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from governance.connections import get_connection
from governance.errors import ConfigurationError
from governance.identity.errors import InvalidIdentifier
from governance.identity.kinds import KINDS
from governance.identity.names import name_key

KEY_ENV = "GOVERNANCE_SUBJECT_KEY"
KEY_CONN_ID = "governance_subject_key"
MIN_KEY_BYTES = 16
PREFIX = "sr_"
HEX_CHARS = 32

#: Identifier kind -> its normaliser for pseudonyms (from the kind registry; names and
#: addresses by their matching key, so every spelling of one name gets one reference).
NORMALISERS: dict[str, Callable[[str], str]] = {
    kind: (kind_def.normaliser if kind_def.exact else name_key) for kind, kind_def in KINDS.items()
}


def subject_key() -> bytes:
    """The HMAC key: env ``GOVERNANCE_SUBJECT_KEY``, else the password of ``governance_subject_key``."""
    key = os.environ.get(KEY_ENV)
    where = f"environment variable {KEY_ENV}"
    if not key:
        where = f"the password of Airflow connection {KEY_CONN_ID!r}"
        try:
            key = get_connection(KEY_CONN_ID).password
        except ConfigurationError:
            key = None
    if not key:
        raise ConfigurationError(
            f"no subject pseudonym key: set {KEY_ENV}, or the password of Airflow connection "
            f"{KEY_CONN_ID!r} (AIRFLOW_CONN_{KEY_CONN_ID.upper()}); use a random secret of at "
            f"least {MIN_KEY_BYTES} bytes"
        )
    raw = key.encode("utf-8")
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigurationError(
            f"the subject pseudonym key from {where} is too short: it must be at least "
            f"{MIN_KEY_BYTES} bytes (a random secret, e.g. 32 hex characters)"
        )
    return raw


def normalise(kind: str, value: str) -> str:
    """Normalise ``value`` as an identifier of ``kind``; InvalidIdentifier if it is not one."""
    normaliser = NORMALISERS.get(kind) if isinstance(kind, str) else None
    if normaliser is None:
        raise InvalidIdentifier("identifier kind", "one of " + ", ".join(sorted(NORMALISERS)))
    return normaliser(value)


def subject_ref(kind: str, value: str) -> str:
    """``'sr_'`` + 32 hex characters of HMAC-SHA256(key, kind + NUL + normalised value)."""
    normalised = normalise(kind, value)
    message = kind.encode("utf-8") + b"\x00" + normalised.encode("utf-8")
    digest = hmac.new(subject_key(), message, hashlib.sha256).hexdigest()
    return PREFIX + digest[:HEX_CHARS]
