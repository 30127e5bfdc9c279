"""Legal holds: records kept beyond their retention period (see :mod:`governance.holds.model`).

DSR, the Privacy page, the CLI and the retention sweeps all use holds, so they live here rather
than inside ``retention``.
"""

from governance.holds.model import (
    Hold,
    HoldError,
    HoldSet,
    active_holds,
    all_holds,
    place_hold,
    release_hold,
)

__all__ = [
    "Hold",
    "HoldError",
    "HoldSet",
    "active_holds",
    "all_holds",
    "place_hold",
    "release_hold",
]
