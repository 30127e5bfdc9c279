"""One ``airflow standalone`` shared by every end-to-end test of the session (starting one
costs about half a minute and a lot of the machine's two cores).

In the PostgreSQL pass the standalone runs on PostgreSQL throughout: Airflow's metadata DB, the
governance store and the demo estate's databases are the session's own, kept until it ends
(``environment`` follows ``GOVERNANCE_ESTATE_SERVER`` and the prefix set here).
"""

from __future__ import annotations

import pytest
from standalone_server import start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory, session_database, session_estate_prefix):
    with pytest.MonkeyPatch.context() as patch:
        prefix = session_estate_prefix("e2e_estate")
        if prefix:  # not the first test's own prefix, which is dropped when that test ends
            patch.setenv("GOVERNANCE_ESTATE_DATABASE_PREFIX", prefix)
        yield from start_server(
            tmp_path_factory.mktemp("standalone"),
            metadata=session_database("e2e_airflow"),
            store=session_database("e2e_store"),
        )
