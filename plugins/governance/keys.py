"""The engine's secret keys, loaded one way: the ``GOVERNANCE_*`` variable, else the password of
an Airflow connection; checked before use; resolved once per process (with the settings).

Three keys use it: the subject pseudonym key (``identity/pseudonym.py``), the request
encryption key (``dsr/crypto.py``) and the archive key (``archive/store.py``). Each
names both places it looked when the key is missing, and where a bad key came from, never the
key itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance import settings
from governance.connections import env_var_name, get_connection
from governance.errors import ConfigurationError


@dataclass(frozen=True)
class KeySpec:
    """One secret key: where it is configured, what it must look like, how to make one."""

    #: The settings field, e.g. ``subject_key`` (variable ``GOVERNANCE_SUBJECT_KEY``).
    name: str
    #: The Airflow connection whose password holds it otherwise.
    connection: str
    #: What it is, for messages: "subject pseudonym key".
    what: str
    #: The expected form, for messages: "a random secret of at least 16 bytes".
    expected: str
    #: A command or hint that makes a good one.
    make: str
    #: Whether ``value`` has the expected form.
    valid: Callable[[str], bool]
    #: Strip surrounding whitespace before checking (keys pasted into files).
    strip: bool = False

    @property
    def env(self) -> str:
        return settings.ENV_PREFIX + self.name.upper()


def _from_connection(spec: KeySpec) -> str | None:
    try:
        return get_connection(spec.connection).password
    except ConfigurationError:  # no such connection: the key is missing, said below
        return None


def load_key(spec: KeySpec) -> bytes:
    """The key's bytes (UTF-8), from ``spec.env`` or else the connection's password."""
    config = settings.current()
    cached = config._keys.get(spec.name)
    if cached is not None:
        return cached
    value, source = config.secret(spec.name), spec.env
    if spec.strip and value is not None:
        value = value.strip()
    if not value:
        value = _from_connection(spec)
        source = f"the password of connection {spec.connection} ({env_var_name(spec.connection)})"
        if spec.strip and value is not None:
            value = value.strip()
    if not value:
        raise ConfigurationError(
            f"no {spec.what}: set {spec.env}, or the password of Airflow connection "
            f"{spec.connection!r} ({env_var_name(spec.connection)}), to {spec.expected}; "
            f"make one with {spec.make}",
            field=spec.env,
            fix=f"set {spec.env} ({spec.make})",
        )
    if not spec.valid(value):
        raise ConfigurationError(
            f"{source}: expected {spec.expected} (the {spec.what}); make one with {spec.make}",
            field=spec.env,
            fix=f"replace it with the output of {spec.make}",
        )
    key = value.encode("utf-8")
    config._keys[spec.name] = key
    return key
