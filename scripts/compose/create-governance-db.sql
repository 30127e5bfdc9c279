-- Run once by the postgres image, on an empty data volume, as the `airflow` user: the databases
-- beside Airflow's metadata (`airflow`, made by the image from POSTGRES_DB).
-- The governance store (GOVERNANCE_STORE_URL): requests, holds, restrictions, the audit ledger.
CREATE DATABASE governance OWNER airflow;
-- The demo estate: one database per source system, estate_<system> (GOVERNANCE_ESTATE_SERVER,
-- AIRFLOW_CONN_ESTATE_<SYSTEM>). `governance demo-estate` fills them (and would create any missing).
CREATE DATABASE estate_helpdesk OWNER airflow;
CREATE DATABASE estate_print_shop OWNER airflow;
CREATE DATABASE estate_mailer OWNER airflow;
CREATE DATABASE estate_einvoice OWNER airflow;
CREATE DATABASE estate_archive OWNER airflow;
CREATE DATABASE estate_parcel_locker OWNER airflow;
CREATE DATABASE estate_sms_gateway OWNER airflow;
CREATE DATABASE estate_procurement OWNER airflow;
CREATE DATABASE estate_recruitment OWNER airflow;
CREATE DATABASE estate_cctv OWNER airflow;
CREATE DATABASE estate_website OWNER airflow;
