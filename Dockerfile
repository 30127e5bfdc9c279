# The project on Airflow's official image: the engine installed, DAGs/plugins/policy mounted.
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:root pyproject.toml README.md /opt/governance/
COPY --chown=airflow:root plugins /opt/governance/plugins
RUN pip install --no-cache-dir -e /opt/governance
