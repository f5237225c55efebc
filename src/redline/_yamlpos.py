"""YAML loading that remembers where each value came from.

Validation errors must name the file and line; PyYAML's composed node tree
keeps the marks, so we walk it to find the line of a pydantic error location.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


class YamlDoc:
    """A parsed YAML document and its node tree, for line look-ups."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self.root = root

    def line_of(self, loc: Sequence[int | str]) -> int | None:
        """1-based line of the deepest node on ``loc`` that exists."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def describe(self, err: ValidationError, prefix: Sequence[int | str] = ()) -> str:
        """Render a pydantic error as ``file:line: field 'a.b': message`` lines."""
        lines = []
        for e in err.errors():
            loc = [*prefix, *e["loc"]]
            line = self.line_of(loc)
            field = ".".join(str(p) for p in loc) or "(document)"
            where = f"{self.path}:{line}" if line else str(self.path)
            lines.append(f"{where}: field '{field}': {_message(e)}")
        return "\n".join(lines)


def _message(e: Any) -> str:
    if e["type"] == "extra_forbidden":
        return "unknown key (not allowed here)"
    if e["type"] == "missing":
        return "required key is missing"
    return str(e["msg"])


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        for key, value in pairs:
            if key.value == str(part):
                return value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        items: list[yaml.Node] = node.value
        return items[part] if 0 <= part < len(items) else None
    return None


def load_yaml(path: Path, text: str | None = None) -> YamlDoc:
    """Parse ``path`` (or ``text`` on its behalf); raise ValueError naming the line on bad YAML."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"{where}: invalid YAML: {problem}") from exc
    return YamlDoc(path, data, root)
