"""The Privacy page inside Airflow's UI: the DPO's requests and holds, the auditor's view."""
