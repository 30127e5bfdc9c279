"""One ``airflow standalone`` shared by every end-to-end test of the session (starting one
costs about half a minute and a lot of the machine's two cores).

In the PostgreSQL pass the standalone runs on PostgreSQL throughout: Airflow's metadata DB and
the governance store are fresh databases of the session, and its demo estate is built into the
estate server's databases (``environment`` already follows ``GOVERNANCE_ESTATE_SERVER``).
"""

from __future__ import annotations

import pytest
import standalone_server
from standalone_server import start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory, request):
    try:  # the back-end switch of tests/conftest.py (PostgreSQL pass), when it is there
        session_database = request.getfixturevalue("session_database")
    except pytest.FixtureLookupError:
        session_database = None
    metadata = session_database("e2e_airflow") if session_database else None
    store = session_database("e2e_store") if session_database else None
    if metadata and store:
        plain = standalone_server.environment

        def environment(tmp, port):
            env = plain(tmp, port)
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata
            env["GOVERNANCE_STORE_URL"] = store
            return env

        standalone_server.environment = environment
    yield from start_server(tmp_path_factory.mktemp("standalone"))
