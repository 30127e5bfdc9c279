"""The deployment files for the tests: docker-compose.yml and ``.env`` read as Compose would
(``deploy/production_stack/compose.py``), and the tables of docs/deploy.md."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "deploy") not in sys.path:
    sys.path.insert(0, str(ROOT / "deploy"))

from production_stack.compose import (  # noqa: E402
    COMPOSE,
    ENV_EXAMPLE,
    InterpolationError,
    compose_with,
    env_comments,
    generate_commands,
    interpolate,
    interpolate_tree,
    load_compose,
    read_env_file,
    variables_used,
)

__all__ = [
    "COMPOSE",
    "DB_SCRIPT",
    "DOC",
    "ENV_EXAMPLE",
    "INIT_SCRIPT",
    "ROOT",
    "SCHEMA",
    "InterpolationError",
    "compose_with",
    "doc_table",
    "env_comments",
    "first_cell_names",
    "generate_commands",
    "interpolate",
    "interpolate_tree",
    "load_compose",
    "read_env_file",
    "variables_used",
]
DOC = ROOT / "docs" / "deploy.md"
SCHEMA = Path(__file__).with_name("compose-spec.json")
INIT_SCRIPT = ROOT / "scripts" / "compose" / "airflow-init.sh"
DB_SCRIPT = ROOT / "scripts" / "compose" / "create-governance-db.sql"


def doc_table(heading: str, path: Path = DOC) -> list[list[str]]:
    """The body rows of the first Markdown table under ``## heading``, as lists of cells."""
    lines = path.read_text().splitlines()
    try:
        start = lines.index(f"## {heading}")
    except ValueError:
        raise AssertionError(f"{path.name}: no section '## {heading}'") from None
    rows: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    if len(rows) < 3:
        raise AssertionError(f"{path.name}: no table with rows under '## {heading}'")
    return rows[2:]  # header and |---| separator


def first_cell_names(rows: list[list[str]]) -> list[str]:
    """The backquoted name at the start of each row's first cell."""
    names = []
    for row in rows:
        match = re.match(r"`([^`]+)`", row[0])
        if not match:
            raise AssertionError(f"deploy.md: row without a `name` in its first cell: {row}")
        names.append(match.group(1))
    return names
