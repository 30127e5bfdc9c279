"""``governance archive list|restore``: see and reverse what archiving rules made inaccessible."""

from __future__ import annotations

import argparse
from pathlib import Path

from governance.archive.restore import restore_set
from governance.archive.store import ArchiveStore, archive_root, load_archive_key
from governance.audit.ledger import Ledger
from governance.cli.hold import _actor
from governance.policy import load_policy
from governance.store import open_store


def _store() -> ArchiveStore:
    return ArchiveStore(archive_root(), load_archive_key())


def _list(args: argparse.Namespace) -> int:
    sets = ArchiveStore(archive_root(), None).list_sets()  # manifests are plain: no key needed
    if not sets:
        print("no archived sets")
        return 0
    print(f"{'set':60}  {'status':7}  {'rows':>7}  {'files':>6}  entity")
    for meta in sets:
        print(
            f"{meta['set_id']:60}  {meta.get('status', '?'):7}  {meta.get('rows', 0):>7}  "
            f"{meta.get('files', 0):>6}  {meta.get('entity', '')}"
        )
    return 0


def _restore(args: argparse.Namespace) -> int:
    policy = load_policy(Path(args.policy) if args.policy else None)
    counts = restore_set(
        policy, _store(), args.set_id, actor=_actor(args.by), ledger=Ledger(open_store(args.store))
    )
    print(
        f"restored {counts.rows} rows, {counts.dependants} dependant rows, {counts.files} files "
        f"({counts.skipped} already present)"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    archive = subparsers.add_parser("archive", help="list archived sets, restore one")
    actions = archive.add_subparsers(dest="archive_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list archived sets (no key needed for names)")
    listing.set_defaults(func=_list)
    restore = actions.add_parser("restore", help="put one archived set back into its system")
    restore.add_argument("set_id")
    restore.add_argument("--by")
    restore.add_argument("--store")
    restore.add_argument("--policy")
    restore.set_defaults(func=_restore)
