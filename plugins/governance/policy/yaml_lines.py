"""Load a YAML file and remember the line of every key, so problems can point at it.

PyYAML's ``compose`` keeps a mark on every node; we build the plain Python value with the safe
constructor and, beside it, a map from each key path (a tuple of mapping keys and list indices)
to its 1-based line. Duplicate keys, which PyYAML silently collapses, are reported too: a second
``period:`` in a rule must not quietly win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

KeyPath = tuple[Any, ...]


@dataclass(frozen=True)
class LoadedYaml:
    """The value of one YAML document, the line of each key path, and any duplicate keys."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: tuple[tuple[KeyPath, int, int], ...] = ()  # (path, line, first line)

    def line_of(self, path: KeyPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one (1 for the document)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``line`` is 1-based, the message is PyYAML's problem text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml_with_lines(text: str) -> LoadedYaml:
    """Parse one YAML document (empty text gives ``None``), keeping key lines."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(data=None, lines={(): 1})
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"YAML syntax error: {exc.problem or exc.context or 'cannot parse'}"
        if exc.problem and exc.context:
            where = exc.context_mark.line + 1 if exc.context_mark is not None else line
            message += f" ({exc.context} that starts at line {where})"
        raise YamlSyntaxError(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
    duplicates: list[tuple[KeyPath, int, int]] = []
    _walk(loader, node, (), lines, duplicates)
    return LoadedYaml(data=data, lines=lines, duplicates=tuple(duplicates))


def _walk(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    duplicates: list[tuple[KeyPath, int, int]],
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _key(loader, key_node)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if child in lines:  # PyYAML keeps the last value, so the map points at it too
                duplicates.append((child, line, lines[child]))
            lines[child] = line
            _walk(loader, value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _walk(loader, item, child, lines, duplicates)


def _key(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_object(node, deep=True)
    return repr(node.value)  # a complex key; schema validation rejects it anyway
