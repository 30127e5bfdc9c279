"""The subject pool: synthetic Latvian people, each regenerated from (seed, index) alone.

Person ``i`` is the same whatever the estate's size, so tests can ask for a subject's
identifiers with :func:`subject` instead of the estate storing them anywhere. Names come from
Faker's ``lv_LV`` locale; Faker's lv_LV street addresses are not Latvian, so streets, cities and
postcodes come from the short lists below. Every 40th person shares the name of the person
before: different people with the same name, as in any real register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker

from governance.identity import old_format_check_digit

STREETS = (
    "Brīvības iela",
    "Krišjāņa Barona iela",
    "Elizabetes iela",
    "Ģertrūdes iela",
    "Čaka iela",
    "Dzirnavu iela",
    "Lāčplēša iela",
    "Tērbatas iela",
    "Maskavas iela",
    "Ulmaņa gatve",
    "Jūrmalas gatve",
    "Rīgas iela",
    "Skolas iela",
    "Ozolu iela",
    "Liepu iela",
    "Bērzu iela",
    "Pils iela",
    "Dārza iela",
    "Saules iela",
    "Meža iela",
)
CITIES = (
    ("Rīga", "LV-10"),
    ("Daugavpils", "LV-54"),
    ("Liepāja", "LV-34"),
    ("Jelgava", "LV-30"),
    ("Jūrmala", "LV-20"),
    ("Ventspils", "LV-36"),
    ("Rēzekne", "LV-46"),
    ("Valmiera", "LV-42"),
    ("Ogre", "LV-50"),
    ("Cēsis", "LV-41"),
    ("Mārupe", "LV-21"),
    ("Sigulda", "LV-21"),
)
MAIL_DOMAINS = ("inbox.lv", "gmail.com", "apollo.lv", "mail.lv", "tvnet.lv", "outlook.com")
BANKS = ("HABA", "UNLA", "PARX", "RIKO", "NDEA", "RTMB")


@dataclass(frozen=True)
class Person:
    """One synthetic data subject, in the canonical spelling (systems drift from it)."""

    index: int
    first_name: str
    last_name: str
    personas_kods: str  # DDMMYY-NNNNN
    birth_date: date
    email: str
    phone: str  # +3712XXXXXXX
    street: str
    city: str
    postcode: str
    iban: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.postcode}"


@lru_cache(maxsize=1)
def _faker() -> Faker:
    return Faker("lv_LV")


def _fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def personas_kods(rng: random.Random, born: date) -> str:
    """70 % old format with century digit and check digit, 30 % the format issued since 2017."""
    if rng.random() < 0.7:
        century = {18: "0", 19: "1", 20: "2"}[born.year // 100]
        first_ten = f"{born:%d%m%y}{century}{rng.randrange(1000):03d}"
        return f"{first_ten[:6]}-{first_ten[6:]}{old_format_check_digit(first_ten)}"
    digits = f"3{rng.randint(2, 9)}{rng.randrange(10**9):09d}"
    return f"{digits[:6]}-{digits[6:]}"


def lv_iban(rng: random.Random) -> str:
    bban = rng.choice(BANKS) + f"{rng.randrange(10**13):013d}"
    numeric = "".join(str(int(ch, 36)) for ch in bban + "LV00")
    return f"LV{98 - int(numeric) % 97:02d}{bban}"


def _seed(seed: int, index: int) -> int:
    return seed * 1_000_003 + index


def subject(seed: int, index: int) -> Person:
    """Person ``index`` of the estate built with ``seed``."""
    rng = random.Random(_seed(seed, index))
    faker = _faker()
    name_index = index - 1 if index % 40 == 1 else index  # every 40th shares a name
    faker.seed_instance(_seed(seed, name_index))
    female = random.Random(_seed(seed, name_index)).random() < 0.5
    first = faker.first_name_female() if female else faker.first_name_male()
    last = faker.last_name_female() if female else faker.last_name_male()
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 66))
    city, prefix = rng.choice(CITIES)
    local = f"{_fold(first).lower()}.{_fold(last).lower()}{rng.randrange(100)}"
    return Person(
        index=index,
        first_name=first,
        last_name=last,
        personas_kods=personas_kods(rng, born),
        birth_date=born,
        email=f"{local}@{rng.choice(MAIL_DOMAINS)}",
        phone=f"+3712{rng.randrange(10**7):07d}",
        street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        + (f"-{rng.randint(1, 80)}" if rng.random() < 0.6 else ""),
        city=city,
        postcode=f"{prefix}{rng.randrange(100):02d}",
        iban=lv_iban(rng),
    )
