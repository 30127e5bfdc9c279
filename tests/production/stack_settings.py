"""How tests/production sets up the stack (read by its conftest and its tests)."""

#: Airflow settings the test puts on top of the compose file's: a dead worker's task is noticed
#: after 20 s without a heartbeat instead of 300 s, and a message a dead worker had taken is
#: handed out again by Redis after 60 s instead of a day, so that its redelivery happens while
#: the test watches (docs/deploy.md, "When a worker dies").
TIMING = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "60",
}
#: The demo estate (airflow-init builds it): small, so that the test measures recovery, not size.
DOTENV = {"DEMO_SUBJECTS": "400", "DEMO_SEED": "42"}
#: Rows per sweep transaction in the test's copy of the policy: the demo estate's CCTV
#: recordings then take about forty transactions, so a worker can die between two of them.
BATCH = 100
