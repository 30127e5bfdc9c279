"""The package's seams, checked from the source text (``ast``), so nothing is imported to check.

* No import cycle between the subpackages (and top-level modules) of ``plugins/governance``:
  each imports only what sits below it, so any one can be read, tested and moved alone.
* Only the Airflow glue, the Privacy page, the DAGs and the plugin file import ``airflow``: the
  engine is plain Python, tested and benchmarked without a scheduler.

Every import counts, also one inside a function: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import graphlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "plugins" / "governance"
#: Where ``import airflow`` is allowed (paths relative to the checkout; a folder covers all below).
AIRFLOW_ALLOWED = (
    "plugins/governance/airflow_glue.py",
    "plugins/governance/ui/",
    "dags/",
    "plugins/privacy_plugin.py",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT / "plugins").with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``path`` imports (absolute names, relative ones resolved), with its line.
    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else ""
    if not package and path.is_relative_to(ROOT / "plugins"):
        package = _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def subpackage_graph(engine: Path) -> dict[str, dict[str, list[str]]]:
    """``{subpackage: {subpackage it imports: [file:line, ...]}}`` for the children of the
    ``governance`` package (a child is a subpackage or a top-level module)."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    children = {
        p.stem for p in engine.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()
    }
    for path in sorted(engine.rglob("*.py")):
        source = path.relative_to(engine).parts[0].removesuffix(".py")
        graph[source]  # a node even when it imports nothing
        for name, line in imported_modules(path):
            parts = name.split(".")
            if parts[0] != "governance" or len(parts) < 2 or parts[1] not in children:
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            if parts[1] != source and where not in graph[source][parts[1]]:
                graph[source][parts[1]].append(where)
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle of the graph (its nodes, the first repeated at the end), or None."""
    try:
        tuple(
            graphlib.TopologicalSorter({n: set(deps) for n, deps in graph.items()}).static_order()
        )
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_the_cycle_finder_finds_a_cycle_of_three_and_accepts_a_layered_graph():
    cycle = find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}})
    assert cycle is not None and set(cycle) == {"a", "b", "c"}
    assert find_cycle({"a": {"b": [], "c": []}, "b": {"c": []}, "c": {}}) is None


def test_no_import_cycle_between_the_engines_subpackages():
    graph = subpackage_graph(ENGINE)
    assert {"dsr", "audit", "connections", "settings", "ui"} <= set(graph)  # it read the package
    assert "store" in graph["dsr"]  # and saw the imports
    cycle = find_cycle(graph)
    if cycle:
        steps = [
            f"{a} -> {b} ({', '.join(graph[a][b][:3])})"
            for a, b in zip(cycle[1:], cycle, strict=False)
        ]
        pytest.fail("import cycle between subpackages of governance:\n" + "\n".join(steps))


def _imports_airflow(path: Path) -> list[int]:
    return [line for name, line in imported_modules(path) if name.split(".")[0] == "airflow"]


def test_only_the_glue_the_page_the_dags_and_the_plugin_import_airflow():
    checked = sorted((ROOT / "plugins").rglob("*.py")) + sorted((ROOT / "dags").rglob("*.py"))
    offenders = []
    for path in checked:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(AIRFLOW_ALLOWED):
            continue
        offenders += [f"{relative}:{line}" for line in _imports_airflow(path)]
    assert offenders == [], "only " + ", ".join(AIRFLOW_ALLOWED) + " may import airflow"
    # The check sees imports where they are (also inside functions):
    assert _imports_airflow(ENGINE / "airflow_glue.py")
    assert _imports_airflow(ROOT / "dags" / "governance_daily.py")
