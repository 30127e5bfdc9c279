"""One root exception for the engine, so callers can tell our errors from library errors.

Messages name the field, file or key and what was expected; they never repeat a personal value.
"""


class GovernanceError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigurationError(GovernanceError):
    """A setting, connection or key is missing or malformed; the message says where it looked."""
