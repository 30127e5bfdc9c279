#!/usr/bin/env bash
# airflow-init of docker-compose.yml: everything the stack needs before it starts. Safe to run
# again (`docker compose up` runs it before every start): nothing done is undone.
#   1. refuse to go on while a secret from .env is empty (every service waits for this one)
#   2. the state and log folders, handed to AIRFLOW_UID (this script runs as root)
#   3. the passwords of dpo, engineer and auditor (simple auth manager), generated once
#   4. airflow db migrate; the pools of include/pools.json; the governance store migrated
#   5. the policy linted; the demo estate built once into estate_<system> (DEMO_SUBJECTS=0: none)
set -euo pipefail

missing=()
for secret in AIRFLOW__CORE__FERNET_KEY AIRFLOW__API_AUTH__JWT_SECRET AIRFLOW__API__SECRET_KEY \
              GOVERNANCE_SUBJECT_KEY GOVERNANCE_ARCHIVE_KEY GOVERNANCE_REQUEST_KEY; do
  [[ -n "${!secret:-}" ]] || missing+=("$secret")
done
if (( ${#missing[@]} )); then
  echo "airflow-init: empty in .env: ${missing[*]}" >&2
  echo "airflow-init: generate each with the command written above it in .env.example" >&2
  exit 1
fi
# POSTGRES_PASSWORD needs no check here: the postgres image refuses to initialise without it.

uid="${AIRFLOW_UID:-50000}"
# The image's AIRFLOW_HOME (/opt/airflow); deploy/production_stack runs this script with its own.
home="${AIRFLOW_HOME:-/opt/airflow}"
state="$home/state"
mkdir -p "$state" "$GOVERNANCE_HOME" "$GOVERNANCE_REPORTS" "$GOVERNANCE_OUTBOX" "$home/logs"

echo "airflow-init: users (passwords in $AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE)"
python - <<'PY'
import json, os, secrets
from pathlib import Path

path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
users = json.loads(path.read_text()) if path.exists() else {}
for entry in os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(","):
    users.setdefault(entry.split(":")[0].strip(), secrets.token_urlsafe(12))
path.write_text(json.dumps(users, indent=2))
path.chmod(0o600)
PY

echo "airflow-init: airflow db migrate"
airflow db migrate
echo "airflow-init: pools"
airflow pools import "$home/include/pools.json"
echo "airflow-init: governance store"
python -c 'from governance.store import open_store; open_store().dispose()'
governance lint

if [[ "${DEMO_SUBJECTS:-0}" -gt 0 && ! -f "$GOVERNANCE_ESTATE/manifest.json" ]]; then
  echo "airflow-init: demo estate, ${DEMO_SUBJECTS} subjects (seed ${DEMO_SEED:-42}) into estate_<system>"
  governance demo-estate --subjects "$DEMO_SUBJECTS" --seed "${DEMO_SEED:-42}"
else
  echo "airflow-init: demo estate left as it is"
fi

# Only what is not AIRFLOW_UID's yet (a large estate's files are not walked twice).
find "$state" "$home/logs" \! -user "$uid" -exec chown "$uid:0" {} +
echo "airflow-init: done"
