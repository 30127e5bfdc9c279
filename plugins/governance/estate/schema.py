"""The tables of the demo estate, one metadata per source system (see docs/demo-estate.md).

Declared compactly: ``name: type`` with ``->table.column`` for foreign keys. Every date,
timestamp and foreign-key column is indexed, as a production system's would be for its queries.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

_TYPES = {
    "int": sa.Integer,
    "text": sa.Text,
    "date": sa.Date,
    "ts": sa.DateTime,
    "num": lambda: sa.Numeric(12, 2),
    "bool": sa.Boolean,
}

SPEC: dict[str, dict[str, str]] = {
    "helpdesk": {
        "contacts": "full_name:text email:text phone:text created_at:ts last_message_at:ts",
        "messages": "contact_id:int->contacts.id channel:text received_at:ts subject:text body:text answered_at:ts",
    },
    "print_shop": {
        "clients": "name:text reg_no:text",
        "print_jobs": "client_id:int->clients.id job_type:text printed_at:ts handed_to_post_at:ts",
        "recipients": "client_id:int->clients.id full_name:text address:text postcode:text city:text imported_at:ts",
        "mail_items": "job_id:int->print_jobs.id recipient_id:int->recipients.id postcode:text printed_at:ts",
    },
    "mailer": {
        "campaigns": "client_name:text name:text sent_at:ts",
        "email_messages": "campaign_id:int->campaigns.id recipient_email:text recipient_name:text subject:text body:text sent_at:ts archived:bool",
    },
    "einvoice": {
        "invoice_recipients": "client_name:text full_name:text email:text address:text iban:text",
        "invoices": "recipient_id:int->invoice_recipients.id invoice_no:text service:text amount:num period_start:date period_end:date invoice_date:date sent_at:ts channel:text",
    },
    "archive": {
        "documents": "client_name:text doc_type:text subject_name:text subject_personas_kods:text extracted_text:text file_path:text pages:int document_date:date archived_at:ts",
    },
    "parcel_locker": {
        "customers": "full_name:text personas_kods:text email:text phone:text address:text contract_start:date contract_end:date",
        "lockers": "customer_id:int->customers.id address:text installed_at:date removed_at:date",
        "deliveries": "locker_id:int->lockers.id partner_name:text tracking_no:text recipient_phone:text delivered_at:ts",
        "billing": "customer_id:int->customers.id iban:text amount:num invoice_no:text invoice_date:date",
    },
    "sms_gateway": {
        "sms_messages": "client_name:text recipient_phone:text body:text sent_at:ts status:text",
    },
    "procurement": {  # the company's own procurements: it is the buyer, evaluating tenderers
        "procurements": "procurement_ref:text title:text announced_on:date awarded_on:date",
        "tenders": "procurement_id:int->procurements.id tenderer_name:text tenderer_reg_no:text received_at:ts outcome:text awarded_on:date",
        "experts": "tender_id:int->tenders.id full_name:text role:text experience:text cv_path:text certificates_path:text",
    },
    "recruitment": {
        "vacancies": "title:text published_at:date competition_end:date",
        "candidates": "vacancy_id:int->vacancies.id full_name:text email:text phone:text personas_kods:text address:text motivation_letter:text cv_path:text applied_at:ts competition_end:date",
    },
    "cctv": {
        "cameras": "location:text",
        "recordings": "camera_id:int->cameras.id recorded_at:ts duration_s:int file_path:text incident_ref:text",
    },
    "website": {
        "events": "title:text held_on:date",
        "participants": "event_id:int->events.id full_name:text company_name:text email:text registered_at:ts",
        "photos": "event_id:int->events.id file_path:text caption:text published_at:ts",
    },
}

SYSTEMS = tuple(SPEC)


def metadata_for(system: str) -> sa.MetaData:
    """A fresh MetaData holding the system's tables."""
    metadata = sa.MetaData()
    for table_name, spec in SPEC[system].items():
        columns: list[sa.Column] = [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)
        ]
        for item in spec.split():
            name, _, rest = item.partition(":")
            type_name, _, target = rest.partition("->")
            args = [sa.ForeignKey(target)] if target else []
            indexed = bool(target) or type_name in ("date", "ts")
            columns.append(sa.Column(name, _TYPES[type_name](), *args, index=indexed))
        sa.Table(table_name, metadata, *columns)
    return metadata


def column_names(system: str, table: str) -> list[str]:
    return ["id"] + [item.partition(":")[0] for item in SPEC[system][table].split()]


def database_name(system: str) -> str:
    """The database of ``system`` on an estate server: ``estate_<system>`` by default."""
    from governance import settings

    return f"{settings.estate_database_prefix()}_{system}"


def system_url(system: str, server: str | None = None) -> str:
    """The SQLAlchemy URL of ``system``'s database on the estate server (``server`` or
    ``GOVERNANCE_ESTATE_SERVER``)."""
    from governance import settings
    from governance.store.server import database_url

    server = server or settings.estate_server()
    if not server:
        raise ValueError("no estate server: set GOVERNANCE_ESTATE_SERVER")
    return database_url(server, database_name(system)).render_as_string(hide_password=False)


def _databases(folder: Path, server: str | None) -> tuple[str | None, dict[str, str]]:
    """``(server, {system: database name})`` of the estate in ``folder``; no server for SQLite.

    A built estate's manifest says where its databases went (an estate built as SQLite files
    stays there even when a server is configured later); before a build, the configuration
    decides (``GOVERNANCE_ESTATE_SERVER`` and the database prefix)."""
    from governance import settings

    server = server or settings.estate_server()
    manifest_path = folder / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("target") != "postgresql":
            return None, {}
        if not server:
            raise ValueError(
                f"{manifest_path}: the estate is on PostgreSQL; set GOVERNANCE_ESTATE_SERVER"
            )
        return server, dict(manifest["databases"])
    if not server:
        return None, {}
    return server, {system: database_name(system) for system in SYSTEMS}


def estate_urls(estate: str | Path, server: str | None = None) -> dict[str, str]:
    """The SQLAlchemy URL of each system's database of the estate in ``estate``: the SQLite
    files in the folder, or its databases on the estate server (``server`` or
    ``GOVERNANCE_ESTATE_SERVER``; the manifest keeps no credentials)."""
    from governance.store.server import database_url

    folder = Path(estate).resolve()
    on, names = _databases(folder, server)
    if on is None:
        return {system: f"sqlite:///{folder / f'{system}.db'}" for system in SYSTEMS}
    return {
        system: database_url(on, name).render_as_string(hide_password=False)
        for system, name in names.items()
    }


def connection_env(estate: str | Path, server: str | None = None) -> dict[str, str]:
    """The ``AIRFLOW_CONN_*`` variables for an estate, as ``scripts/with-env`` exports them.

    SQLite: Airflow's URI form, the URL-encoded absolute path as the host. On an estate server
    (``server`` or ``GOVERNANCE_ESTATE_SERVER``): ``postgresql://USER:PW@HOST:PORT/<database>``,
    the databases the estate's manifest names (``estate_<system>`` before a build). The files
    stay in the folder either way.
    """
    from governance.store.server import database_url

    folder = Path(estate).resolve()
    on, names = _databases(folder, server)
    if on is not None:
        env = {
            f"AIRFLOW_CONN_ESTATE_{system.upper()}": database_url(on, name)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
            for system, name in names.items()
        }
    else:
        env = {
            f"AIRFLOW_CONN_ESTATE_{system.upper()}": "sqlite://"
            + str(folder / f"{system}.db").replace("/", "%2F")
            for system in SYSTEMS
        }
    env["AIRFLOW_CONN_ESTATE_FILES"] = json.dumps(
        {"conn_type": "fs", "extra": {"path": str(folder / "files")}}
    )
    return env
