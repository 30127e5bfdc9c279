"""The governance engine: keeps the promises of a privacy policy written as code.

Airflow-free at its core (policy, identity, store, audit, estate); the Airflow glue lives in
``governance.airflow_glue`` and in ``dags/``.
"""

__version__ = "0.1.0"
