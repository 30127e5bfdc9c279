"""E-mail addresses: one canonical spelling so the same mailbox matches across systems.

Decision: the whole address is lower-cased. RFC 5321 lets the local part be case-sensitive,
but mail providers treat it case-insensitively in practice, and the same person's address
appears in several systems in different cases; matching must not miss them.

The shape check is deliberately our own and modest (one @, a non-empty local part without
spaces or quoting, a dotted domain ending in a letter label): we normalise addresses found in
data, including test and internal domains that a deliverability-minded validator would refuse.
"""

from __future__ import annotations

import re

from governance.identity.errors import InvalidIdentifier
from governance.identity.text import canonical_text

KIND = "email"
EXPECTED = "one address as local@domain.tld (no spaces, a dotted domain)"

_LOCAL = re.compile(r"[^\s@\"(),:;<>\[\]\\]+")
_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_TLD = re.compile(r"[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59}")


def _valid_local(local: str) -> bool:
    return (
        0 < len(local) <= 64
        and _LOCAL.fullmatch(local) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    return (
        len(domain) <= 253
        and len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels)
        and _TLD.fullmatch(labels[-1]) is not None
    )


def normalise_email(text: str) -> str:
    """Strip and lower-case an address after checking its shape; raise InvalidIdentifier if odd."""
    if not isinstance(text, str):
        raise InvalidIdentifier(KIND, EXPECTED)
    address = canonical_text(text).strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or "@" in local or not _valid_local(local) or not _valid_domain(domain):
        raise InvalidIdentifier(KIND, EXPECTED)
    return address
