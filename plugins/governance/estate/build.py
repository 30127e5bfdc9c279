"""Build the demo estate: one database per source system (SQLite files, or databases on a
PostgreSQL server), their files, and a manifest.

One pass over the subject pool: each person is generated once and appears in the systems a
per-person random draw picks, spelled the way that system drifts. Rows are buffered per table
and written in batches, so memory stays bounded whatever the number of subjects. Everything
random derives from the seed (and the subject's index), so a seed always gives the same estate.
"""

from __future__ import annotations

import json
import random
import shutil
import time
import warnings
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from governance.estate import drift
from governance.estate.people import Person, subject
from governance.estate.schema import SYSTEMS, database_name, metadata_for, system_url

DEFAULT_TODAY = date(2026, 11, 1)
BATCH = 5000
YEARS = 12

# Fictitious clients (no real company is anyone's client here). "SIA Piemēra Sakari" has a
# contract with its own SMS period: the policy's per-client rule (sms_messaging).
CLIENTS = (
    "SIA Parauga Ūdens",
    "AS Parauga Enerģija",
    "SIA Parauga Telekoms",
    "AS Parauga Banka",
    "SIA Piemēra Sakari",
    "AS Parauga Kredīts",
    "SIA Parauga Veikali",
    "AS Parauga Gāze",
    "SIA Parauga Tīkli",
    "SIA Parauga Pārtika",
)
PARTNERS = ("Omniva", "DPD Latvija", "Latvijas Pasts", "Venipak")
# Fictitious tenderers in the company's own procurements (it is the buyer).
TENDERERS = (
    "SIA Parauga Druka",
    "SIA Piemēra Loģistika",
    "AS Parauga IT",
    "SIA Parauga Konsultācijas",
    "SIA Piemēra Iepakojums",
)
PROCUREMENTS = (
    "Aplokšņu un veidlapu piegāde",
    "Drukas iekārtu apkope",
    "Kurjerpakalpojumi",
    "Serveru un datortehnikas iegāde",
    "Telpu uzkopšana",
    "Mārketinga pakalpojumi",
)
ROLES = ("projekta vadītājs", "drukas speciālists", "IT arhitekts", "loģistikas eksperts")
LOCATIONS = (
    "ieeja A",
    "ieeja B",
    "noliktava",
    "autostāvvieta",
    "ražošanas zāle",
    "pasta zona",
    "serveru telpa",
    "vārti",
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class _Writer:
    """Buffered inserts into one system's database; ``flush`` writes a batch in a transaction."""

    def __init__(self, engine: sa.Engine, metadata: sa.MetaData):
        self.engine = engine
        self.tables = metadata.tables
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in self.tables}
        self.counts: dict[str, int] = dict.fromkeys(self.tables, 0)

    def add(self, table: str, row: dict[str, Any]) -> int:
        self.counts[table] += 1
        row["id"] = self.counts[table]
        self.buffers[table].append(row)
        if len(self.buffers[table]) >= BATCH:
            self.flush()
        return row["id"]

    def flush(self) -> None:
        with self.engine.begin() as conn:
            for name in self.tables:  # metadata order: parents before children
                if self.buffers[name]:
                    conn.execute(self.tables[name].insert(), self.buffers[name])
                    self.buffers[name] = []


class _Estate:
    def __init__(
        self, target: Path | str, seed: int, today: date, subjects: int, server: str | None
    ):
        self.seed = seed
        self.today = today
        self.subjects = subjects
        self.now = datetime.combine(today, dtime(12, 0))
        self.rng = random.Random(seed)
        self.writers: dict[str, _Writer] = {}
        self.server = server
        self.directory = Path(target)
        self.files = 0

    # -- infrastructure ------------------------------------------------------------------
    def open(self, files_root: Path) -> None:
        self.files_root = files_root
        for system in SYSTEMS:
            metadata = metadata_for(system)
            engine = self._server_engine(system) if self.server else self._file_engine(system)
            metadata.create_all(engine)
            self.writers[system] = _Writer(engine, metadata)

    def _file_engine(self, system: str) -> sa.Engine:
        engine = sa.create_engine(f"sqlite:///{self.directory / f'{system}.db'}")

        @sa.event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record):  # build only: a crash just rebuilds
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=OFF")

        return engine

    def _server_engine(self, system: str) -> sa.Engine:
        """The system's own database on the server, created if missing, emptied of every table
        (an earlier build's, and tables the engine added since, such as anonymised statistics)."""
        from governance.store.server import ensure_database

        assert self.server is not None
        ensure_database(self.server, database_name(system))
        engine = sa.create_engine(
            system_url(system, self.server),
            # Build only: a crash just rebuilds, so commits need not wait for the disk.
            connect_args={"options": "-c synchronous_commit=off"},
        )
        existing = sa.MetaData()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection")
            existing.reflect(engine)
        existing.drop_all(engine)
        return engine

    def close(self) -> dict[str, dict[str, int]]:
        counts = {}
        for system, writer in self.writers.items():
            writer.flush()
            writer.engine.dispose()
            counts[system] = dict(writer.counts)
        return counts

    def add(self, system: str, table: str, **row: Any) -> int:
        return self.writers[system].add(table, row)

    def file(self, system: str, relative: str, content: bytes) -> str:
        path = self.files_root / system / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.files += 1
        return relative

    # -- time ----------------------------------------------------------------------------
    def moment(
        self, rng: random.Random, years: float = YEARS, not_before: datetime | None = None
    ) -> datetime:
        """A time in the last ``years`` years (seconds resolution)."""
        span = int(years * 365 * 86400)
        value = self.now - timedelta(seconds=rng.randrange(span))
        return max(value, not_before) if not_before else value

    # -- shared parents ------------------------------------------------------------------
    def parents(self) -> None:
        rng, n = self.rng, self.subjects
        for i, name in enumerate(CLIENTS):
            self.add("print_shop", "clients", name=name, reg_no=f"4000{3000000 + i * 7919}")
        self.print_jobs = max(20, n // 50)
        for _ in range(self.print_jobs):
            printed = self.moment(rng, 1)
            self.add(
                "print_shop",
                "print_jobs",
                client_id=rng.randint(1, len(CLIENTS)),
                job_type=rng.choice(("invoice", "statement", "notice", "advertising")),
                printed_at=printed,
                handed_to_post_at=printed + timedelta(hours=rng.randint(2, 30)),
            )
        self.campaigns = max(10, n // 500)
        for i in range(self.campaigns):
            self.add(
                "mailer",
                "campaigns",
                client_name=rng.choice(CLIENTS),
                name=f"Kampaņa {i + 1}",
                sent_at=self.moment(rng, 3),
            )
        self.procurements()
        self.vacancies = []
        for i in range(max(6, n // 500)):
            published = self.moment(rng, 3).date()
            end = published + timedelta(days=rng.randint(14, 45))
            open_now = end >= self.today or i % 5 == 0  # some competitions still run
            self.vacancies.append(None if open_now else end)
            self.add(
                "recruitment",
                "vacancies",
                title=rng.choice(ROLES).capitalize(),
                published_at=published,
                competition_end=None if open_now else end,
            )
        self.events = max(5, n // 2000)
        for i in range(self.events):
            self.add(
                "website",
                "events",
                title=f"Atvērto durvju diena {i + 1}",
                held_on=self.moment(rng, 6).date(),
            )
        for _ in range(max(20, n // 200)):
            event = rng.randint(1, self.events)
            photo_id = self.writers["website"].counts["photos"] + 1
            self.add(
                "website",
                "photos",
                event_id=event,
                file_path=self.file(
                    "website", f"event{event}/photo{photo_id:05d}.jpg", b"JPEG demo photo"
                ),
                caption=f"Pasākuma dalībnieki, foto {photo_id}",
                published_at=self.moment(rng, 6),
            )
        self.cctv()

    def procurements(self) -> None:
        """The company's own procurements, spread evenly over the years (the newest still being
        evaluated), each with a few tenders; tenderers' staff are added per person."""
        rng = random.Random(self.seed + 20)
        count = max(6, self.subjects // 1000)
        self.tenders = 0
        for i in range(count):
            announced = self.today - timedelta(days=20 + int(i * YEARS * 365 / count))
            decided = announced + timedelta(days=rng.randint(45, 90))
            awarded = decided if decided < self.today else None
            procurement = self.add(
                "procurement",
                "procurements",
                procurement_ref=f"MM {announced.year}/{i + 1}",
                title=PROCUREMENTS[i % len(PROCUREMENTS)],
                announced_on=announced,
                awarded_on=awarded,
            )
            winner = rng.randrange(3)
            for k in range(3):
                tenderer = (i + k) % len(TENDERERS)
                outcome = (
                    "evaluating"
                    if awarded is None
                    else ("awarded" if k == winner else rng.choice(("not_awarded", "rejected")))
                )
                self.add(
                    "procurement",
                    "tenders",
                    procurement_id=procurement,
                    tenderer_name=TENDERERS[tenderer],
                    tenderer_reg_no=f"4010{5000000 + tenderer * 7907}",
                    received_at=datetime.combine(
                        announced + timedelta(days=rng.randint(10, 25)), dtime(11, 0)
                    ),
                    outcome=outcome,
                    awarded_on=awarded,
                )
                self.tenders += 1

    def cctv(self) -> None:
        rng = random.Random(self.seed + 10)
        for location in LOCATIONS:
            self.add("cctv", "cameras", location=location)
        start = self.now - timedelta(days=60)
        step = timedelta(hours=3)
        moment = start
        while moment < self.now:
            for camera in range(1, len(LOCATIONS) + 1):
                rid = self.writers["cctv"].counts["recordings"] + 1
                self.add(
                    "cctv",
                    "recordings",
                    camera_id=camera,
                    recorded_at=moment,
                    duration_s=3 * 3600,
                    file_path=self.file(
                        "cctv", f"cam{camera}/{moment:%Y%m%dT%H%M}.mp4", b"MP4 demo clip"
                    ),
                    incident_ref=f"INC-{moment.year}-{rid}" if rng.random() < 0.005 else None,
                )
            moment += step

    # -- one person across the systems ---------------------------------------------------
    def person(self, p: Person) -> None:
        rng = random.Random(self.seed * 7_919 + p.index)
        other = subject(self.seed, rng.randrange(self.subjects)) if rng.random() < 0.1 else None
        if rng.random() < 0.3:
            self.helpdesk(rng, p, other)
        if rng.random() < 0.8:
            self.print_shop(rng, p)
        if rng.random() < 0.6:
            self.mailer(rng, p)
        if rng.random() < 0.5:
            self.einvoice(rng, p)
        if rng.random() < 0.3:
            self.archive(rng, p)
        if rng.random() < 0.1:
            self.parcel_locker(rng, p)
        if rng.random() < 0.6:
            self.sms(rng, p, other)
        if rng.random() < 0.01:
            self.procurement(rng, p)
        if rng.random() < 0.02:
            self.recruitment(rng, p)
        if rng.random() < 0.02:
            self.add(
                "website",
                "participants",
                event_id=rng.randint(1, self.events),
                full_name=drift.name(rng, p.full_name),
                company_name=rng.choice(CLIENTS),
                email=drift.email(rng, p.email),
                registered_at=self.moment(rng, 6),
            )

    def helpdesk(self, rng, p, other) -> None:
        first = self.moment(rng)
        years = max((self.now - first).days, 1) / 365
        received = [self.moment(rng, years, first) for _ in range(rng.randint(1, 4))]
        received.sort()
        contact = self.add(
            "helpdesk",
            "contacts",
            full_name=drift.name(rng, p.full_name),
            email=drift.email(rng, p.email),
            phone=drift.phone(rng, p.phone),
            created_at=received[0],
            last_message_at=received[-1],
        )
        for moment in received:
            mention = (
                drift.phone(rng, p.phone)
                if rng.random() < 0.5
                else drift.personas_kods(rng, p.personas_kods)
            )
            body = rng.choice(
                (
                    f"Labdien! Nesaņēmu rēķinu. Mans tālrunis {mention}, lūdzu sazinieties.",
                    f"Sūdzība par vēstuli, kas nonāca pie kaimiņa. Mans personas kods {drift.personas_kods(rng, p.personas_kods)}.",
                    f"Lūdzu mainīt adresi uz {p.address}. Kontakti: {drift.email(rng, p.email)}.",
                )
            )
            if other is not None:
                body += f" Rakstu arī kaimiņa vārdā, viņa e-pasts {other.email}."
            open_case = rng.random() < 0.1
            self.add(
                "helpdesk",
                "messages",
                contact_id=contact,
                channel=rng.choice(("email", "phone", "web")),
                received_at=moment,
                subject=rng.choice(("Rēķins", "Sūdzība", "Adreses maiņa", "Jautājums")),
                body=body,
                answered_at=None
                if open_case
                else min(moment + timedelta(days=rng.randint(0, 10)), self.now),
            )

    def print_shop(self, rng, p) -> None:
        imported = self.moment(rng, 1)
        recipient = self.add(
            "print_shop",
            "recipients",
            client_id=rng.randint(1, len(CLIENTS)),
            full_name=drift.name(rng, p.full_name),
            address=p.street,
            postcode=p.postcode,
            city=p.city,
            imported_at=imported,
        )
        for _ in range(rng.randint(2, 3)):
            self.add(
                "print_shop",
                "mail_items",
                job_id=rng.randint(1, self.print_jobs),
                recipient_id=recipient,
                postcode=p.postcode,
                printed_at=min(imported + timedelta(days=rng.randint(0, 20)), self.now),
            )

    def mailer(self, rng, p) -> None:
        for _ in range(rng.randint(1, 4)):
            self.add(
                "mailer",
                "email_messages",
                campaign_id=rng.randint(1, self.campaigns),
                recipient_email=drift.email(rng, p.email),
                recipient_name=drift.name(rng, p.full_name),
                subject="Jūsu rēķins",
                body=f"Cien. {p.first_name}! Jūsu līguma kontakttālrunis {drift.phone(rng, p.phone)}.",
                sent_at=self.moment(rng, 3),
                archived=rng.random() < 0.5,
            )

    def einvoice(self, rng, p) -> None:
        recipient = self.add(
            "einvoice",
            "invoice_recipients",
            client_name=rng.choice(CLIENTS),
            full_name=drift.name(rng, p.full_name),
            email=drift.email(rng, p.email),
            address=p.address,
            iban=p.iban,
        )
        start = self.moment(rng, 8).date().replace(day=1)
        for k in range(4):
            period_start = (start + timedelta(days=31 * k)).replace(day=1)
            if period_start >= self.today:
                break
            period_end = (period_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            invoice_date = min(period_end + timedelta(days=1), self.today)
            self.add(
                "einvoice",
                "invoices",
                recipient_id=recipient,
                invoice_no=f"R-{recipient}-{k + 1}",
                service=rng.choice(("Elektroenerģija", "Internets", "Ūdens", "Mobilie sakari")),
                amount=Decimal(rng.randint(500, 20000)) / 100,
                period_start=period_start,
                period_end=period_end,
                invoice_date=invoice_date,
                sent_at=datetime.combine(invoice_date, dtime(9, 0)),
                channel=rng.choice(("email", "paper", "both")),
            )

    def archive(self, rng, p) -> None:
        doc_type = rng.choice(("invoice", "payroll", "contract", "correspondence"))
        document_date = self.moment(rng).date()
        archived = datetime.combine(document_date, dtime(15, 0))
        old = random.Random(self.seed * 104_729 + p.index)  # leaves the person's draws alone
        if doc_type == "payroll" and old.random() < 0.5:
            # Scanned paper archives hold payroll from before 1999: kept 75 years, not 10.
            doc_type = "payroll_before_1999"
            year = old.choice((1947, 1949, 1950, 1962, 1975, 1988, 1996))
            document_date = date(year, old.randint(1, 12), old.randint(1, 28))
        doc_id = self.writers["archive"].counts["documents"] + 1
        path = self.file("archive", f"{document_date.year}/{doc_type}-{doc_id:07d}.pdf", PDF)
        self.add(
            "archive",
            "documents",
            client_name=rng.choice(CLIENTS),
            doc_type=doc_type,
            subject_name=drift.name(rng, p.full_name),
            subject_personas_kods=drift.personas_kods(rng, p.personas_kods),
            extracted_text=f"{doc_type.upper()} Nr. {doc_id}. Saņēmējs: {p.full_name}, p.k. {p.personas_kods}, "
            f"konts {p.iban}, adrese {p.address}.",
            file_path=path,
            pages=rng.randint(1, 6),
            document_date=document_date,
            archived_at=archived,
        )

    def parcel_locker(self, rng, p) -> None:
        start = self.moment(rng, 8).date()
        end = start + timedelta(days=rng.randint(180, 2500))
        ended = end < self.today
        customer = self.add(
            "parcel_locker",
            "customers",
            full_name=drift.name(rng, p.full_name),
            personas_kods=drift.personas_kods(rng, p.personas_kods),
            email=drift.email(rng, p.email),
            phone=drift.phone(rng, p.phone),
            address=p.address,
            contract_start=start,
            contract_end=end if ended else None,
        )
        locker = self.add(
            "parcel_locker",
            "lockers",
            customer_id=customer,
            address=p.address,
            installed_at=start,
            removed_at=end if ended else None,
        )
        last = min(end, self.today)
        span = max((last - start).days, 1)
        for _ in range(6):
            day = start + timedelta(days=rng.randrange(span))
            self.add(
                "parcel_locker",
                "deliveries",
                locker_id=locker,
                partner_name=rng.choice(PARTNERS),
                tracking_no=f"LV{rng.randrange(10**9):09d}",
                recipient_phone=drift.phone(rng, p.phone),
                delivered_at=datetime.combine(day, dtime(rng.randint(8, 20), rng.randrange(60))),
            )
        for k in range(6):
            day = start + timedelta(days=min(30 * (k + 1), span))
            self.add(
                "parcel_locker",
                "billing",
                customer_id=customer,
                iban=p.iban,
                amount=Decimal("4.99"),
                invoice_no=f"PK-{customer}-{k + 1}",
                invoice_date=day,
            )

    def sms(self, rng, p, other) -> None:
        for _ in range(rng.randint(1, 2)):
            body = f"Jūsu sūtījums gaida pakomātā. Jautājumi: {drift.email(rng, p.email)}"
            if other is not None and rng.random() < 0.3:
                body += f"; kontaktpersona {other.phone}"
            self.add(
                "sms_gateway",
                "sms_messages",
                client_name=rng.choice(CLIENTS),
                recipient_phone=drift.phone(rng, p.phone),
                body=body,
                sent_at=self.moment(rng, 2),
                status=rng.choice(("delivered", "delivered", "failed")),
            )

    def procurement(self, rng, p) -> None:
        """The person as staff or an expert a tenderer names in its tender (CV, certificates)."""
        expert = self.writers["procurement"].counts["experts"] + 1
        years = rng.randint(3, 25)
        self.add(
            "procurement",
            "experts",
            tender_id=rng.randint(1, self.tenders),
            full_name=drift.name(rng, p.full_name),
            role=rng.choice(ROLES),
            experience=f"{years} gadu pieredze; {p.full_name} vadījis līdzīgus projektus.",
            cv_path=self.file("procurement", f"experts/{expert:06d}-cv.pdf", PDF),
            certificates_path=self.file(
                "procurement", f"experts/{expert:06d}-certificates.pdf", PDF
            ),
        )

    def recruitment(self, rng, p) -> None:
        vacancy = rng.randrange(len(self.vacancies))
        candidate = self.writers["recruitment"].counts["candidates"] + 1
        end = self.vacancies[vacancy]
        applied = (
            datetime.combine(end, dtime(10)) - timedelta(days=rng.randint(1, 14))
            if end
            else self.moment(rng, 0.05)
        )
        self.add(
            "recruitment",
            "candidates",
            vacancy_id=vacancy + 1,
            full_name=drift.name(rng, p.full_name),
            email=drift.email(rng, p.email),
            phone=drift.phone(rng, p.phone),
            personas_kods=drift.personas_kods(rng, p.personas_kods) if rng.random() < 0.5 else None,
            address=p.address,
            motivation_letter=f"Esmu {p.full_name}, ar mani var sazināties pa tālruni {drift.phone(rng, p.phone)}.",
            cv_path=self.file("recruitment", f"cv/{candidate:06d}.pdf", PDF),
            applied_at=applied,
            competition_end=end,
        )


def _people(seed: int, subjects: int) -> Iterator[Person]:
    for index in range(subjects):
        yield subject(seed, index)


def build_estate(
    target: str | Path, subjects: int, seed: int, today: date | None = None
) -> dict[str, Any]:
    """Build (or rebuild) the estate: the databases and files, and a manifest. Returns it.

    ``target`` is the estate folder. The databases are SQLite files in it unless an estate
    server is configured (``GOVERNANCE_ESTATE_SERVER``): then each system is the database
    ``estate_<system>`` on that server, created if missing, its tables replaced, and only the
    files and the manifest go to the folder. A ``postgresql`` URL as ``target`` names the
    server directly; the files then go to ``settings.estate_dir()``.
    """
    from governance import settings

    if subjects < 1:
        raise ValueError("subjects: expected a positive number of people")
    today = today or DEFAULT_TODAY
    started = time.perf_counter()
    is_url = str(target).startswith("postgresql")
    server = str(target) if is_url else settings.estate_server()
    final = settings.estate_dir() if is_url else Path(target).resolve()
    building = final.with_name(final.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    estate = _Estate(building, seed, today, subjects, server)
    estate.open(building / "files")
    estate.parents()
    for person in _people(seed, subjects):
        estate.person(person)
    counts = estate.close()
    manifest = {
        "seed": seed,
        "subjects": subjects,
        "today": today.isoformat(),
        "target": "postgresql" if server else "sqlite",
        "tables": counts,
        "rows": sum(sum(t.values()) for t in counts.values()),
        "files": estate.files,
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    if server:
        manifest["databases"] = {system: database_name(system) for system in SYSTEMS}
    (building / "manifest.json").write_text(json.dumps(manifest, indent=2))
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    building.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return manifest
