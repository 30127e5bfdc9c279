"""``action: delete``: the row, its dependants and their files leave for good.

Nothing happens before the delete, so rows that need no judgement are deleted in the database
(:mod:`governance.retention.bulk`) without being read.
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.retention.actions.base import RetentionAction


@dataclass(frozen=True)
class DeleteConfig:
    """Delete takes no settings."""


class DeleteAction(RetentionAction):
    name = "delete"
    past_tense = "deleted"
    config_model = DeleteConfig
    in_database = True


ACTION = DeleteAction()
