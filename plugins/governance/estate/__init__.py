"""The demo estate: eleven source systems full of synthetic Latvian personal data.

``build_estate`` writes them; ``subject(seed, i)`` regenerates person ``i`` so tests can look a
subject up without the estate storing identifiers anywhere else.
"""

from governance.estate.build import DEFAULT_TODAY, build_estate
from governance.estate.people import Person, subject
from governance.estate.schema import SYSTEMS, connection_env, estate_urls

__all__ = [
    "DEFAULT_TODAY",
    "SYSTEMS",
    "Person",
    "build_estate",
    "connection_env",
    "estate_urls",
    "subject",
]
