-- The governance store gets its own database beside Airflow's metadata.
CREATE DATABASE governance OWNER airflow;
