"""YAML loading that remembers where every key and list item came from.

Validation messages must say `file:line`, and PyYAML's plain loaders forget lines once they
build Python objects. `load_located` returns ordinary dicts and lists (subclasses) that carry the
line of the node itself and of each key or item, so the validator can point at the exact line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from advisor.errors import Problem


class LocDict(dict):
    """A dict that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LocList(list):
    """A list that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LocLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LocLoader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    out = LocDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out.key_lines:
            dup = getattr(loader, "duplicates", None)
            if dup is not None:
                dup.append((key, key_node.start_mark.line + 1, out.key_lines[key]))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _LocLoader, node: yaml.SequenceNode) -> LocList:
    out = LocList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


# libyaml's parser, when PyYAML was built with it: the same nodes and marks, several times
# faster. A file it refuses is parsed again by the Python loader, whose messages are the ones
# the syntax hints below read.
_FAST = getattr(yaml, "CSafeLoader", None)
_CLocLoader = type("_CLocLoader", (_FAST,), {}) if _FAST is not None else None

for _loader in (_LocLoader, _CLocLoader):
    if _loader is None:
        continue
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    # Keep dates as text: rules compare them as ISO strings and we validate the format ourselves.
    _loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )


def _syntax_hint(exc: yaml.YAMLError, text: str, line: int) -> str:
    problem = str(getattr(exc, "problem", "") or exc)
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in src or "'\\t'" in problem:
        return "YAML does not allow tab characters for indentation: use spaces"
    if "mapping values are not allowed" in problem:
        return "a ':' where YAML did not expect one: check the indentation of this line and the one above, or quote the text"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "the indentation of this line does not line up with its siblings"
    if "could not find expected ':'" in problem:
        return "a key without ':' after it, or a line indented under a plain value"
    return f"not valid YAML ({problem})"


def load_located(path: str | Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; syntax errors and duplicate keys come back as Problems, not raised."""
    p = Path(path)
    name = display or str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read the file ({exc.strerror})")]
    except UnicodeDecodeError:
        return None, [Problem(name, 1, "the file is not UTF-8 text")]
    if _CLocLoader is not None:
        fast = _CLocLoader(text)
        fast.duplicates = []  # type: ignore[attr-defined]
        try:
            data = fast.get_single_data()
        except yaml.YAMLError:
            pass  # parsed again below, for the Python loader's located message
        else:
            return data, _duplicates(name, fast.duplicates)  # type: ignore[attr-defined]
        finally:
            fast.dispose()
    loader = _LocLoader(text)
    loader.duplicates = []  # type: ignore[attr-defined]
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(name, line, _syntax_hint(exc, text, line))]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"not valid YAML ({exc})")]
    finally:
        loader.dispose()
    return data, _duplicates(name, loader.duplicates)  # type: ignore[attr-defined]


def _duplicates(name: str, found: list[tuple[Any, int, int]]) -> list[Problem]:
    return [
        Problem(
            name,
            line,
            f"key '{key}' appears twice in the same block (first on line {first}); the second would silently win",
        )
        for key, line, first in found
    ]


__all__ = ["LocDict", "LocList", "load_located"]
