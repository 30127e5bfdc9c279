# The project on Airflow's official image. The engine is installed in editable mode from
# /opt/airflow/plugins, so the code docker-compose.yml mounts there is the code that runs; the DAGs,
# plugins and policy are also copied in, so the image alone is enough where nothing is mounted
# (KubernetesExecutor: docs/deploy.md).
FROM apache/airflow:3.3.2-python3.11

# Keep Airflow at the image's version while installing (Airflow's guidance for extended images);
# the celery and postgres extras bring the CeleryExecutor, Redis and PostgreSQL providers (the
# project's `production` extra names the same).
ARG AIRFLOW_VERSION=3.3.2
COPY --chown=airflow:root pyproject.toml README.md /opt/airflow/
COPY --chown=airflow:root plugins /opt/airflow/plugins
COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root include /opt/airflow/include
COPY --chown=airflow:root scripts/compose /opt/airflow/scripts/compose
RUN pip install --no-cache-dir "apache-airflow[celery,postgres]==${AIRFLOW_VERSION}" -e '/opt/airflow[production]' \
 && mkdir -p /opt/airflow/state /opt/airflow/logs
