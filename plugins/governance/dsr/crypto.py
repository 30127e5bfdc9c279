"""Encryption of what a request holds in the store: identifiers, corrections, passphrases.

A Fernet key (AES-128-CBC + HMAC-SHA256, from ``cryptography``) kept outside the store: env
``GOVERNANCE_REQUEST_KEY`` or the password of the Airflow connection ``governance_request_key``.
A stolen store file alone therefore reveals no identifier.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from governance.errors import ConfigurationError
from governance.keys import KeySpec, load_key

KEY_ENV = "GOVERNANCE_REQUEST_KEY"
KEY_CONN_ID = "governance_request_key"


def _is_fernet_key(value: str) -> bool:
    try:
        Fernet(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    return True


REQUEST_KEY = KeySpec(
    name="request_key",
    connection=KEY_CONN_ID,
    what="request encryption key",
    expected="a Fernet key, 32 url-safe base64-encoded bytes",
    make="python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
    valid=_is_fernet_key,
)


def request_key() -> bytes:
    """The Fernet key: env ``GOVERNANCE_REQUEST_KEY``, else the password of
    ``governance_request_key``."""
    return load_key(REQUEST_KEY)


def seal(value: Any) -> bytes:
    """JSON-encode and encrypt ``value``."""
    return Fernet(request_key()).encrypt(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def unseal(token: bytes) -> Any:
    try:
        return json.loads(Fernet(request_key()).decrypt(token))
    except InvalidToken:
        raise ConfigurationError(
            "a request's encrypted data cannot be read with the configured request key "
            f"({KEY_ENV}): was the key changed?"
        ) from None


def new_passphrase() -> str:
    """A package passphrase: 24 random bytes, url-safe (about 190 bits)."""
    return secrets.token_urlsafe(24)
