"""Ledger anchors: the head hash, written somewhere the ledger's writer cannot quietly rewrite.

A hash chain catches an edited entry, but someone who rewrites the whole tail and rehashes it
consistently produces a chain that verifies. An anchor (seq + hash of the head at a moment),
kept in another place (a folder on another disk, an object store bucket with versioning or
object lock), pins history: every anchored (seq, hash) must still be in the chain.

The anchor location is ``GOVERNANCE_ANCHOR_DIR`` (a folder or any fsspec URL such as
``s3://bucket/anchors``), default ``<governance home>/anchors``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from upath import UPath

from governance import settings
from governance.audit.ledger import Ledger

ANCHOR_ENV = "GOVERNANCE_ANCHOR_DIR"


def anchor_root() -> UPath:
    configured = settings.anchor_dir()
    return UPath(configured) if configured else UPath(settings.governance_home() / "anchors")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    path: str


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    anchors_checked: int
    first_bad_anchor: str | None
    reason: str


def write_anchor(
    engine: Engine, root: UPath | None = None, *, actor: str = "governance"
) -> UPath | None:
    """Write the current head to a new anchor file, then record the anchoring in the ledger.

    The file pins the head as it was *before* the ``ledger_anchor`` entry: the entry then
    names the anchored seq, and the next anchor pins the entry itself. Returns None for an
    empty ledger (nothing to pin).
    """
    root = root or anchor_root()
    ledger = Ledger(engine)
    head = ledger.head()
    if head is None:
        return None
    root.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = root / f"anchor-{now:%Y%m%dT%H%M%S%fZ}-{head.seq:08d}.json"
    payload = {"seq": head.seq, "hash": head.hash, "at": now.isoformat(), "entries": head.seq}
    path.write_text(json.dumps(payload, indent=2))
    ledger.append(
        "ledger_anchor",
        actor,
        counts={"anchored_seq": head.seq},
        detail={"anchor": path.name},
    )
    return path


def read_anchors(root: UPath | None = None) -> list[Anchor]:
    root = root or anchor_root()
    if not root.exists():
        return []
    anchors = []
    for path in sorted(root.glob("anchor-*.json"), key=lambda p: p.name):
        data = json.loads(path.read_text())
        anchors.append(Anchor(int(data["seq"]), str(data["hash"]), str(data["at"]), path.name))
    return anchors


def verify_against_anchors(engine: Engine, root: UPath | None = None) -> AnchorCheck:
    """The chain verifies, and every anchor's (seq, hash) is still entry #seq's hash."""
    ledger = Ledger(engine)
    chain = ledger.verify()
    if not chain.ok:
        return AnchorCheck(
            False, 0, None, f"chain broken at entry #{chain.first_bad}: {chain.reason}"
        )
    anchors = read_anchors(root)
    hashes: dict[int, str] = {}
    wanted = {a.seq for a in anchors}
    for entry in ledger.entries():
        if entry.seq in wanted:
            hashes[entry.seq] = entry.hash
    for anchor in anchors:
        actual = hashes.get(anchor.seq)
        if actual is None:
            return AnchorCheck(
                False,
                len(anchors),
                anchor.path,
                f"anchored entry #{anchor.seq} is gone from the ledger",
            )
        if actual != anchor.hash:
            return AnchorCheck(
                False,
                len(anchors),
                anchor.path,
                f"entry #{anchor.seq} no longer has the anchored hash {anchor.hash[:12]}: the "
                "ledger was rewritten from there on",
            )
    return AnchorCheck(True, len(anchors), None, "intact")
