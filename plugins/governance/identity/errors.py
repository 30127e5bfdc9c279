"""The one error identity parsing raises, so callers can reject a value without ever echoing it."""

from __future__ import annotations

from governance.errors import TerminalError


class InvalidIdentifier(TerminalError, ValueError):
    """A value is not a valid identifier of its kind.

    The message names the kind and the expected form and never contains the rejected value, so
    it is safe to log and to show in the UI; ``kind`` and ``expected`` carry the same facts.
    """

    def __init__(self, kind: str, expected: str) -> None:
        self.kind = kind
        self.expected = expected
        super().__init__(f"{kind}: expected {expected}")
