"""The README's layout section lists every package of advisor/ and tracker/, and only those."""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Layout\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _packages_in_tree() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("advisor", "tracker")
        for init in (ROOT / top).rglob("__init__.py")
    }


def test_layout_lists_every_package_once_with_what_it_holds():
    """Each row of the layout table names a package that exists, says what it holds and where a
    change goes; every package in the tree has its row."""
    rows = re.findall(r"^\| `([a-z_.]+)` \| ([^|]+) \| ([^|]+) \|$", _layout_section(), re.M)
    listed = [name for name, _, _ in rows]
    assert len(listed) == len(set(listed)), "a package is listed twice"
    assert set(listed) == _packages_in_tree()
    for name, holds, change in rows:
        assert holds.strip() and change.strip(), name
