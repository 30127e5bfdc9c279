"""SQL sources: one SQLAlchemy engine per system, tables reflected once, files beside them.

Connections come from the data map's ``conn_id`` through :mod:`governance.connections` (the
same ``AIRFLOW_CONN_*`` variables Airflow reads). A database that cannot be reached raises
:class:`SourceUnavailable`, a transient error the DAGs retry with back-off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from upath import UPath

from governance.connections import get_connection
from governance.errors import ConfigurationError, TransientError
from governance.policy import Policy
from governance.store.engine import create_store_engine


class SourceUnavailable(TransientError):
    """A source system could not be reached; transient, so worth a retry."""


def _reflect_columns(engine: sa.Engine, name: str, primary_key: str) -> sa.Table:
    """The table's columns, with the data map's primary key, nothing else.

    Full reflection also reads indexes, constraints, comments and the tables foreign keys point
    at: one query on SQLite, but about ten catalogue queries per table on PostgreSQL, which made
    opening a source there slower than the work done on it (reading the primary key alone cost
    as much as the columns). Keys and links come from the data map, so columns and their types
    are all the engine reads.
    """
    columns = sa.inspect(engine).get_columns(name)
    if not columns:
        raise sa.exc.NoSuchTableError(name)
    if primary_key not in {column["name"] for column in columns}:
        raise ConfigurationError(
            f"table {name!r} has no column {primary_key!r}: the data map declares it as the "
            "primary key (fix the data map or the table)"
        )
    primary = {primary_key}
    return sa.Table(
        name,
        sa.MetaData(),
        *[
            sa.Column(
                column["name"],
                column["type"],
                primary_key=column["name"] in primary,
                nullable=column.get("nullable", True),
                autoincrement=False,
            )
            for column in columns
        ],
    )


class SqlSources:
    """Lazy engines and reflected tables for the systems of a policy's data map."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._engines: dict[str, sa.Engine] = {}
        self._tables: dict[str, sa.Table] = {}
        #: Statements built once per engine lifetime by callers (see dsr.locate), by their key.
        self.statements: dict[tuple, sa.Executable] = {}
        self._readers: dict[str, Any] = {}

    def engine(self, system: str) -> sa.Engine:
        if system not in self._engines:
            source = self.policy.sources[system]
            url = get_connection(source.conn_id).sqlalchemy_url()
            if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
                raise SourceUnavailable(
                    f"source {system!r}: the database of connection {source.conn_id!r} does not "
                    "exist (build the demo estate with `governance demo-estate`)"
                )
            self._engines[system] = create_store_engine(url, durable=False)
        return self._engines[system]

    def table(self, qualified: str) -> sa.Table:
        """The reflected table of ``system.entity``."""
        if qualified not in self._tables:
            ref = self.policy.locate(qualified)
            try:
                self._tables[qualified] = _reflect_columns(
                    self.engine(ref.system), ref.entity.table, ref.entity.primary_key
                )
            except OperationalError as exc:
                raise SourceUnavailable(
                    f"source {ref.system!r} is not reachable ({type(exc.orig).__name__})"
                ) from None
        return self._tables[qualified]

    def reader(self, system: str) -> Any:
        """A driver connection of ``system`` for reads only, held until :meth:`dispose`.

        Autocommit, so an index lookup is one round trip (no BEGIN, no ROLLBACK), and checked
        out of the pool (and pinged) once, not per call: finding one person on PostgreSQL
        otherwise spent more on three round trips per system than on the lookups. SQLite's
        connections are in autocommit already (see ``store.engine``)."""
        if system not in self._readers:
            engine = self.engine(system)
            connection = engine.raw_connection()
            if engine.dialect.name != "sqlite":
                engine.dialect.set_isolation_level(connection.driver_connection, "AUTOCOMMIT")
            self._readers[system] = connection
        return self._readers[system]

    def drop_reader(self, system: str) -> None:
        """Forget ``system``'s read connection after a driver error (it may be broken)."""
        connection = self._readers.pop(system, None)
        if connection is not None:
            connection.invalidate()

    def is_date_column(self, qualified: str, column: str) -> bool:
        declared = self.policy.entity(qualified).columns[column].type
        return declared == "date"

    def files_root(self, system: str) -> UPath | None:
        """Where the files of ``system`` live, or None when it has no file store."""
        source = self.policy.sources[system]
        if not source.files_conn_id:
            return None
        conn = get_connection(source.files_conn_id)
        base = conn.extra.get("path") or conn.host
        if not base:
            raise SourceUnavailable(
                f"file store connection {source.files_conn_id!r} has no extra.path"
            )
        return UPath(base) / (source.files_root or system)

    def dispose(self) -> None:
        for system, connection in self._readers.items():
            dialect = self._engines[system].dialect
            try:
                if dialect.name != "sqlite":
                    dialect.reset_isolation_level(connection.driver_connection)
                connection.close()  # back to the pool
            except dialect.loaded_dbapi.Error:
                connection.invalidate()  # broken: the pool must not hand it out again
        self._readers.clear()
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        self._tables.clear()
        self.statements.clear()
