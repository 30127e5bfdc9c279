"""Adapters over the source systems of the data map: SQL databases and the files of their rows."""

from governance.sources.graph import Dependant, dependants, governed_entities
from governance.sources.sql import SourceUnavailable, SqlSources

__all__ = ["Dependant", "SourceUnavailable", "SqlSources", "dependants", "governed_entities"]
