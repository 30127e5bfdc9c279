"""Placeholder: the owner of this subcommand replaces this module."""


def register(subparsers) -> None:
    subparsers.add_parser("lint", help="(not yet built)").set_defaults(func=lambda args: 1)
