"""The engine's errors, typed by what the caller should do about them.

Three kinds, so that a retry is decided by type and never by reading a message:

* :class:`TerminalError`: retrying cannot help (bad input, a broken policy, a finding such as a
  failed verification, a missing key). Airflow fails the task at once.
* :class:`TransientError`: the world may be different in a moment (a source is down, a lock is
  held). Airflow retries with back-off.
* :class:`WaitingError`: the work waits on an external party (a client's instruction, a
  processor's asynchronous erasure). Airflow checks again later; it is neither a failure nor done.

Every error may name the ``field`` it is about (a form field, a CLI option, a policy key) and a
``fix`` (what to do), as attributes: the UI and the CLI read them, never parse the text.
Messages name the field, file or key and what was expected; they never repeat a personal value.
"""

from __future__ import annotations


class GovernanceError(Exception):
    """Base class of every error the engine raises on purpose.

    ``field``: the input it is about, in the caller's vocabulary-neutral form (``months``,
    ``record_id``, ``purposes/x.yaml:12``), or None. ``fix``: one sentence saying what to do.
    """

    def __init__(self, message: str = "", *, field: str | None = None, fix: str | None = None):
        self.field = field
        self.fix = fix
        super().__init__(message)

    @property
    def message(self) -> str:
        """The text without the field or the fix (``str(error)`` is the same text)."""
        return str(self)

    def attrs(self) -> dict[str, str | None]:
        """The structured facts, for the UI's JSON and for log lines."""
        return {"error": type(self).__name__, "field": self.field, "fix": self.fix}


class TerminalError(GovernanceError):
    """Retrying cannot help: fail now and say why."""


class TransientError(GovernanceError):
    """Worth another try after a pause: a source, a lock or a network was not there."""


class WaitingError(GovernanceError):
    """Waiting on an external party; check again later. Not a failure."""


class ConfigurationError(TerminalError):
    """A setting, connection or key is missing or malformed; the message says where it looked."""
