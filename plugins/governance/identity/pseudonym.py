"""Keyed pseudonyms of identifiers (``subject_ref``), for logs, the ledger and joins.

A plain hash of a personas kods or a phone number is reversible by enumeration (there are only
millions of them); an HMAC under a secret key is not, for anyone without the key. The value is
normalised first, so every spelling of one identifier gets one reference, and the kind is mixed
into the message, so the same string as a name and as an address gets two references.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from governance.identity.errors import InvalidIdentifier
from governance.identity.kinds import KINDS
from governance.identity.names import name_key
from governance.keys import KeySpec, load_key

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


#: The HMAC key: ``GOVERNANCE_SUBJECT_KEY``, else the password of ``governance_subject_key``.
SUBJECT_KEY = KeySpec(
    name="subject_key",
    connection=KEY_CONN_ID,
    what="subject pseudonym key",
    expected=f"a random secret of at least {MIN_KEY_BYTES} bytes",
    make="python -c 'import secrets; print(secrets.token_hex(32))'",
    valid=lambda value: len(value.encode("utf-8")) >= MIN_KEY_BYTES,
)


def subject_key() -> bytes:
    """The HMAC key: env ``GOVERNANCE_SUBJECT_KEY``, else the password of ``governance_subject_key``."""
    return load_key(SUBJECT_KEY)


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
