"""Reading docker-compose.yml and ``.env`` files as Docker Compose does, without Docker:
``KEY=VALUE`` files and ``${VAR}`` interpolation by the Compose Specification's rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

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


def load_compose(path: Path = COMPOSE) -> dict[str, Any]:
    """The file as YAML (anchors and ``<<`` merges resolved), not interpolated."""
    return yaml.safe_load(path.read_text())


def compose_with(env: Mapping[str, str], path: Path = COMPOSE) -> dict[str, Any]:
    return interpolate_tree(load_compose(path), env)


def variables_used(path: Path = COMPOSE) -> set[str]:
    used: set[str] = set()
    interpolate_tree(load_compose(path), {}, used)
    return used


GENERATE = "generate:"


def generate_commands(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """Every secret (empty value) of ``.env.example`` -> the ``# generate:`` command above it."""
    comments = env_comments(path)
    commands = {}
    for name, value in read_env_file(path).items():
        if value:
            continue
        lines = [c for c in comments.get(name, []) if c.startswith(GENERATE)]
        if len(lines) != 1:
            raise ValueError(f"{path.name}: {name} is empty but has no one '# {GENERATE}' line")
        commands[name] = lines[0].removeprefix(GENERATE).strip()
    return commands


def run_generate(command: str) -> str:
    """Run a ``# generate:`` command (``python3`` is this interpreter) and return its line."""
    import shlex
    import subprocess
    import sys

    argv = shlex.split(command)
    if argv[0] != "python3":
        raise ValueError(f"expected a python3 command, got {command!r}")
    out = subprocess.run(
        [sys.executable, *argv[1:]], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return out.strip()


def filled_env(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """``.env.example`` with every secret generated, as an operator's ``.env`` would be."""
    env = read_env_file(path)
    env.update({name: run_generate(command) for name, command in generate_commands(path).items()})
    return env
