"""Encryption of what a request holds in the store: identifiers, corrections, passphrases.

A Fernet key (AES-128-CBC + HMAC-SHA256, from ``cryptography``) kept outside the store: env
``GOVERNANCE_REQUEST_KEY`` or the password of the Airflow connection ``governance_request_key``.
A stolen store file alone therefore reveals no identifier.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from governance.connections import get_connection
from governance.errors import ConfigurationError

KEY_ENV = "GOVERNANCE_REQUEST_KEY"
KEY_CONN_ID = "governance_request_key"


def request_key() -> bytes:
    key = os.environ.get(KEY_ENV)
    if not key:
        try:
            key = get_connection(KEY_CONN_ID).password
        except ConfigurationError:
            key = None
    if not key:
        raise ConfigurationError(
            f"no request encryption key: set {KEY_ENV}, or the password of Airflow connection "
            f"{KEY_CONN_ID!r}, to a Fernet key (python -c 'from cryptography.fernet import "
            "Fernet; print(Fernet.generate_key().decode())')"
        )
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ConfigurationError(
            f"the request encryption key ({KEY_ENV} / {KEY_CONN_ID}) is not a Fernet key: "
            "expected 32 url-safe base64-encoded bytes"
        ) from None
    return key.encode("ascii")


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
