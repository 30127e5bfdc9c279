"""Legal holds: records kept beyond their retention period, whatever the rule says.

DSR, the Privacy page, the CLI and the retention sweeps all use holds, so they have a package of
their own: ``model`` (what a hold is and what it covers, row by row), ``checks`` (what a hold
must be before it is stored), ``place`` (placing, releasing, listing; ledger entries), ``sql``
(the same holds as a predicate a database evaluates) and ``restrictions`` (Art. 18 restrictions,
which keep records the same way).
"""

from governance.holds.model import Hold, HoldError, HoldSet
from governance.holds.place import active_holds, all_holds, place_hold, release_hold
from governance.holds.restrictions import restrictions_in_force

__all__ = [
    "Hold",
    "HoldError",
    "HoldSet",
    "active_holds",
    "all_holds",
    "place_hold",
    "release_hold",
    "restrictions_in_force",
]
