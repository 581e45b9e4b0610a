"""YAML read safely, with the line of every key and list item kept for error messages."""
from __future__ import annotations

from typing import Any

import yaml

from monitor.config.errors import ConfigIssue

Path = tuple  # ("sources", 0, "interval")


def load_yaml(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML and map each path to its 1-based line. Raises ConfigError-ready issues."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(ConfigIssue("(yaml)", f"invalid YAML: {problem}", line, filename)) from exc
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


class YamlSyntaxError(Exception):
    def __init__(self, issue: ConfigIssue):
        super().__init__(str(issue))
        self.issue = issue


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            _walk(value, sub, lines)
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of the path, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
