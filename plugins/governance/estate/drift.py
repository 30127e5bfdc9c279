"""How one person is written differently from system to system, as real data drifts.

Each function takes the system's own random generator, so the spelling a system uses for a
person is deterministic for the seed but differs between systems.
"""

from __future__ import annotations

import random
import unicodedata


def fold(text: str) -> str:
    """Diacritics dropped: 'Bērziņš' -> 'Berzins'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name(rng: random.Random, full_name: str) -> str:
    roll = rng.random()
    if roll < 0.6:
        return full_name
    if roll < 0.8:
        return fold(full_name)
    if roll < 0.9:
        return full_name.upper()
    return fold(full_name).upper()


def email(rng: random.Random, address: str) -> str:
    roll = rng.random()
    if roll < 0.7:
        return address
    local, _, domain = address.partition("@")
    if roll < 0.85:
        return f"{local.title()}@{domain}"
    return address.upper()


def phone(rng: random.Random, e164: str) -> str:
    """'+371 2xxxxxxx', '2xxxxxxx' or '00371-2xxx-xxxx'."""
    national = e164[4:]
    return rng.choice((f"+371 {national}", national, f"00371-{national[:4]}-{national[4:]}"))


def personas_kods(rng: random.Random, code: str) -> str:
    return code if rng.random() < 0.6 else code.replace("-", "")
