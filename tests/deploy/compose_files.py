"""Reading the deployment files as Docker Compose would, without Docker: ``.env`` files,
``${VAR}`` interpolation (the Compose Specification's rules), and the tables of docs/deploy.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOC = ROOT / "docs" / "deploy.md"
SCHEMA = Path(__file__).with_name("compose-spec.json")
INIT_SCRIPT = ROOT / "scripts" / "compose" / "airflow-init.sh"
DB_SCRIPT = ROOT / "scripts" / "compose" / "create-governance-db.sql"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class InterpolationError(ValueError):
    pass


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines (Compose's .env format): comments and blank lines skipped, one pair of
    surrounding quotes removed."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep or not _NAME.fullmatch(key):
            raise ValueError(f"{path.name}:{number}: expected KEY=VALUE, got {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def env_comments(path: Path) -> dict[str, list[str]]:
    """Each variable's comment block: the ``#`` lines directly above it."""
    blocks: dict[str, list[str]] = {}
    block: list[str] = []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped.lstrip("#").strip())
        elif not stripped:
            block = []
        else:
            blocks[stripped.partition("=")[0]] = block
            block = []
    return blocks


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise InterpolationError(f"unclosed '${{' in {text!r}")


def interpolate(text: str, env: Mapping[str, str], used: set[str] | None = None) -> str:
    """Compose's interpolation: ``$$`` is ``$``; ``$VAR``, ``${VAR}``; ``${VAR:-default}`` /
    ``${VAR-default}`` (unset or empty / unset); ``${VAR:?err}`` / ``${VAR?err}`` (error);
    ``${VAR:+alt}`` / ``${VAR+alt}``. Defaults are interpolated too. ``used`` collects names."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$":
            out.append(char)
            i += 1
            continue
        following = text[i + 1 : i + 2]
        if following == "$":
            out.append("$")
            i += 2
            continue
        if following == "{":
            end = _closing_brace(text, i + 1)
            body = text[i + 2 : end]
            i = end + 1
        else:
            match = _NAME.match(text, i + 1)
            if not match:
                raise InterpolationError(f"a lone '$' in {text!r}: write '$$'")
            body = match.group()
            i = match.end()
        name_match = _NAME.match(body)
        if not name_match:
            raise InterpolationError(f"invalid variable name in '${{{body}}}'")
        name, rest = name_match.group(), body[name_match.end() :]
        if used is not None:
            used.add(name)
        value = env.get(name)
        if rest == "":
            out.append(value or "")
            continue
        operator = rest[:2] if rest[:2] in (":-", ":?", ":+") else rest[:1]
        if operator not in (":-", ":?", ":+", "-", "?", "+"):
            raise InterpolationError(f"unsupported interpolation '${{{body}}}'")
        argument = rest[len(operator) :]
        missing = value is None or (operator.startswith(":") and value == "")
        if operator in (":-", "-"):
            out.append(interpolate(argument, env, used) if missing else value)
        elif operator in (":?", "?"):
            if missing:
                raise InterpolationError(f"{name}: {argument or 'required'}")
            out.append(value)
        else:
            out.append("" if missing else interpolate(argument, env, used))
    return "".join(out)


def interpolate_tree(node: Any, env: Mapping[str, str], used: set[str] | None = None) -> Any:
    if isinstance(node, str):
        return interpolate(node, env, used)
    if isinstance(node, list):
        return [interpolate_tree(item, env, used) for item in node]
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env, used) for key, value in node.items()}
    return node


def load_compose() -> dict[str, Any]:
    """The file as YAML (anchors and ``<<`` merges resolved), not interpolated."""
    return yaml.safe_load(COMPOSE.read_text())


def compose_with(env: Mapping[str, str]) -> dict[str, Any]:
    return interpolate_tree(load_compose(), env)


def variables_used() -> set[str]:
    used: set[str] = set()
    interpolate_tree(load_compose(), {}, used)
    return used


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
