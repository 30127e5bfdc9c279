"""The production stack of docker-compose.yml run as local processes, without Docker.

Docker does not run on the build machines, but every service of the compose file can: Debian's
``redis-server``, PostgreSQL from ``scripts/postgres``, and Airflow's components as processes.
This package starts them with the configuration the compose file gives each service, translated
only where a container and a process differ (host names, listening ports, the ``/opt/airflow``
folders), so that the test in ``tests/production`` and ``bench/bulk.py`` run what Compose would.

- :mod:`.compose`: the compose file and ``.env`` read as Compose reads them (interpolation);
- :mod:`.translate`: a service's environment and command, from the container to this machine;
- :mod:`.services`: Redis and PostgreSQL as Compose's ``redis`` and ``postgres`` services;
- :mod:`.processes`: a process that lives and dies like a container (its own host name and PIDs);
- :mod:`.stack`: every service started, watched, killed and restarted like a container;
- :mod:`.rest`: Airflow's REST API and the Privacy page's JSON API of the running stack.

Import it with ``deploy/`` on ``sys.path`` (``tests/deploy`` is already a package named
``deploy`` in the test session).
"""
