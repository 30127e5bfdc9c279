"""One ``airflow standalone`` shared by every end-to-end test of the session (starting one
costs about half a minute and a lot of the machine's two cores)."""

from __future__ import annotations

import pytest
from standalone_server import start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    yield from start_server(tmp_path_factory.mktemp("standalone"))
