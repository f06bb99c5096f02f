"""YAML loading that remembers where every key and list item came from, and explains bad YAML.

Validation messages must say `file:line`, and PyYAML's plain loaders forget lines once they
build Python objects. `load_located` returns ordinary dicts and lists (subclasses) that carry the
line and column of the node itself and of each key, value or item, plus the source text of a
plain scalar YAML 1.1 read as something other than text (`NO` → false, `04` → 4), so a message
can say "write "NO"" instead of "expects text, got false".

A file that is not YAML is reported where the mistake is: an unclosed quote at the line it
opens (PyYAML only notices at the end of the file), an invisible character (a non-breaking
space, a zero-width space, a tab in the indentation) by name and column, a byte that is not
UTF-8 at its own line.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import Problem


class LocDict(dict):
    """A dict that knows its own line and the line and column of each key (1-based)."""

    line: int = 0
    col: int = 0
    key_lines: dict[Any, int]
    key_cols: dict[Any, int]
    value_pos: dict[Any, tuple[int, int]]
    raw: dict[Any, str]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    def col_of(self, key: Any) -> int:
        return getattr(self, "key_cols", {}).get(key, 0)

    def value_at(self, key: Any) -> tuple[int, int]:
        """Line and column of the value of `key` (its key's line when unknown)."""
        return getattr(self, "value_pos", {}).get(key, (self.line_of(key), self.col_of(key)))

    def raw_of(self, key: Any) -> str | None:
        """The source text of a plain scalar value YAML did not read as text, else None."""
        return getattr(self, "raw", {}).get(key)


class LocList(list):
    """A list that knows its own line and the line and column of each item (1-based)."""

    line: int = 0
    col: int = 0
    item_lines: list[int]
    item_cols: list[int]
    item_raw: list[str | None]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line

    def col_of(self, index: int) -> int:
        cols = getattr(self, "item_cols", [])
        return cols[index] if index < len(cols) else 0

    def raw_of(self, index: int) -> str | None:
        raw = getattr(self, "item_raw", [])
        return raw[index] if index < len(raw) else None


_DIGITS3 = re.compile(r"\d{3}")


def _split_number(loader: Any, before: yaml.Node | None, node: yaml.Node) -> None:
    """Note `30,000` inside [ ] or { }, which YAML reads as two entries (30 and 000)."""
    text = getattr(loader, "source_text", None)
    if (
        text is None
        or before is None
        or not isinstance(node, yaml.ScalarNode)
        or not isinstance(before, yaml.ScalarNode)
        or node.style  # quoted (the Python parser says None for plain, libyaml '')
        or not _DIGITS3.fullmatch(str(node.value))
        or not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", str(before.value))
    ):
        return
    if text[before.end_mark.index : node.start_mark.index] == ",":
        whole = f"{before.value},{node.value}"
        found = getattr(loader, "split_numbers", None)
        if found is not None:
            found.append((before.start_mark.line + 1, before.start_mark.column + 1, whole))


def _raw(node: yaml.Node, value: Any) -> str | None:
    if isinstance(node, yaml.ScalarNode) and not node.style and not isinstance(value, str):
        return str(node.value)
    return None


class _LocLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LocLoader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    out = LocDict()
    out.line = node.start_mark.line + 1
    out.col = node.start_mark.column + 1
    out.key_lines, out.key_cols, out.value_pos, out.raw = {}, {}, {}, {}
    before: yaml.Node | None = None
    for key_node, value_node in node.value:
        _split_number(loader, before, key_node)
        before = value_node
        key = loader.construct_object(key_node, deep=True)
        if key in out.key_lines:
            dup = getattr(loader, "duplicates", None)
            if dup is not None:
                dup.append((key, key_node.start_mark.line + 1, out.key_lines[key]))
        value = loader.construct_object(value_node, deep=True)
        out[key] = value
        out.key_lines[key] = key_node.start_mark.line + 1
        out.key_cols[key] = key_node.start_mark.column + 1
        out.value_pos[key] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
        raw = _raw(value_node, value)
        if raw is not None:
            out.raw[key] = raw
    return out


def _construct_sequence(loader: _LocLoader, node: yaml.SequenceNode) -> LocList:
    for before, child in zip(node.value, node.value[1:], strict=False):
        _split_number(loader, before, child)
    values = [loader.construct_object(child, deep=True) for child in node.value]
    out = LocList(values)
    out.line = node.start_mark.line + 1
    out.col = node.start_mark.column + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    out.item_cols = [child.start_mark.column + 1 for child in node.value]
    out.item_raw = [_raw(child, v) for child, v in zip(node.value, values, strict=True)]
    return out


# libyaml's parser, when PyYAML was built with it: the same nodes and marks (character indices,
# so the source text slices alike), several times faster. A file it refuses is parsed again by
# the Python loader, whose messages are the ones the syntax hints below read.
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


# ------------------------------------------------------------------ YAML 1.1 traps

_BOOL_WORDS = {"yes", "no", "on", "off", "true", "false"}
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{2,3})+(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]|lakh|lakhs|cr|crore)\s*$")


def trap_hint(value: Any, raw: str | None) -> str:
    """A hint when YAML 1.1 read a plain scalar as something its author did not mean.

    `NO` became false (write "NO"), `04` became 4 (quote "04"), `1:30` became 90, `10,000` stayed
    text where a number was meant (drop the thousands separator). "" when nothing applies.
    """
    if raw is not None and isinstance(value, bool) and raw.lower() in _BOOL_WORDS:
        return f'YAML reads a bare {raw} as {str(value).lower()}: write "{raw}" in quotes'
    if raw is not None and isinstance(value, int | float) and not isinstance(value, bool):
        if re.fullmatch(r"[-+]?0[0-9_]+", raw):
            return f'YAML reads {raw} as the number {value}: quote "{raw}"'
        if ":" in raw:
            return f'YAML 1.1 reads {raw} as {value} (base 60): quote "{raw}"'
        return f'to give it as text, quote "{raw}"'
    if raw is not None and value is None:
        return f'YAML reads a bare {raw} as nothing: quote "{raw}"'
    if isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.match(text):
            return f"drop the thousands separator: write {text.replace(',', '')}"
        m = _SUFFIXED.match(text)
        if m:
            return "write the number in full, without a unit suffix"
    return ""


# ------------------------------------------------------------------ invisible characters

_INVISIBLE = {
    "\u00a0": "a non-breaking space (U+00A0)",
    "\u2007": "a figure space (U+2007)",
    "\u202f": "a narrow no-break space (U+202F)",
    "\u3000": "an ideographic space (U+3000)",
    "\u200b": "a zero-width space (U+200B)",
    "\u200c": "a zero-width non-joiner (U+200C)",
    "\u200d": "a zero-width joiner (U+200D)",
    "\u2060": "a word joiner (U+2060)",
    "\ufeff": "a byte-order mark (U+FEFF)",
    "\u00ad": "a soft hyphen (U+00AD)",
}
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def char_name(ch: str) -> str:
    """A character as a person can find it: 'a non-breaking space (U+00A0)', 'a tab'."""
    if ch == "\t":
        return "a tab"
    if ch in _INVISIBLE:
        return _INVISIBLE[ch]
    name = unicodedata.name(ch, "")
    return f"{name.lower() or 'the character'} (U+{ord(ch):04X})"


def _comment_start(line: str) -> int:
    """Index of a `#` comment outside quotes, else len(line) (good enough for a hint)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return len(line)


def invisible_characters(text: str, file: str) -> list[Problem]:
    """Invisible characters where YAML reads them as part of a key or an indentation.

    A non-breaking space inside a value is harmless text; in the indentation or a key it makes
    a key nobody can type, so it is reported with its column. Zero-width characters are reported
    wherever they are (outside comments); a tab in the indentation is reported too.
    """
    out: list[Problem] = []
    for n, line in enumerate(text.splitlines(), 1):
        end = _comment_start(line)
        body = line[:end]
        indent = len(body) - len(body.lstrip(" \t\u00a0\u2007\u202f\u3000-"))
        key_end = body.find(": ")
        key_end = len(body) if key_end < 0 and body.rstrip().endswith(":") else key_end
        for i, ch in enumerate(body):
            if ch == "\t" and i < indent:
                out.append(
                    Problem(
                        file,
                        n,
                        f"a tab at column {i + 1}: YAML does not allow tab characters for "
                        "indentation: use spaces",
                        column=i + 1,
                    )
                )
                break
            if ch not in _INVISIBLE:
                continue
            where = "indentation" if i < indent else "key" if i < key_end else ""
            if ch in _ZERO_WIDTH or where:
                part = f" in the {where}" if where else ""
                out.append(
                    Problem(
                        file,
                        n,
                        f"{char_name(ch)} at column {i + 1}{part}: it looks like nothing but "
                        "YAML reads it as a character; delete it and retype a plain space if one is needed",
                        column=i + 1,
                    )
                )
                break
    return out


# ------------------------------------------------------------------ syntax errors


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 0)


def multiline_quotes(text: str) -> list[tuple[int, int, int | None]]:
    """Quoted texts that open on one line and close on a later one (or never): (line, col, end).

    Legal YAML, but in a rules file almost always a quote someone forgot to close, which PyYAML
    only notices many lines later, where the next quote character happens to be.
    """
    out: list[tuple[int, int, int | None]] = []
    quote, start = "", (0, 0)
    line, col = 1, 0
    prev = "\n"
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
            prev = ch
            i += 1
            continue
        if quote:
            if quote == "'" and ch == "'" and i + 1 < n and text[i + 1] == "'":
                i += 2
                col += 1
                continue
            if quote == '"' and ch == "\\":
                i += 2
                col += 1
                continue
            if ch == quote:
                if line != start[0]:
                    out.append((start[0], start[1], line))
                quote = ""
        elif ch == "#" and prev in " \t\n":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif ch in "'\"" and prev in " \t\n[{,:-":
            quote, start = ch, (line, col)
        prev = ch
        i += 1
    if quote:
        out.append((start[0], start[1], None))
    return out


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """One Problem for a YAML syntax error, at the line where the mistake is, naming both ends.

    PyYAML reports where it gave up (`problem_mark`) and, for an unclosed quote, list or block,
    where that construct began (`context_mark`); the beginning is where the author must look.
    """
    context = str(exc.context or "")
    problem = str(exc.problem or exc)
    (pl, pc), (cl, cc) = _mark(exc.problem_mark), _mark(exc.context_mark)
    lines = text.splitlines()
    src = lines[pl - 1] if 0 < pl <= len(lines) else ""
    if "'\\t'" in problem or (pc and pc <= len(src) and src[pc - 1 : pc] == "\t"):
        return Problem(
            file,
            pl,
            f"a tab at column {pc}: YAML does not allow tab characters for indentation: use spaces",
            column=pc,
        )
    if exc.context_mark is not None and "quoted scalar" in context:
        return Problem(
            file,
            cl,
            f"the quoted text that opens here (column {cc}) is never closed: YAML read on to "
            f"line {pl} and gave up ({problem}); add the closing quote",
            column=cc,
        )
    opened = [q for q in multiline_quotes(text) if q[0] < pl and (q[2] is None or q[2] <= pl)]
    if opened:
        ql, qc, qend = opened[-1]
        return Problem(
            file,
            ql,
            f"the quoted text that opens here (column {qc}) does not close on this line: YAML "
            f"read on to line {qend or pl}"
            + (f" (the next quote), gave up at line {pl}" if qend and qend != pl else "")
            + f" ({problem}); add the closing quote on this line",
            column=qc,
        )
    for what, opener, closer in (("flow sequence", "[", "]"), ("flow mapping", "{", "}")):
        if exc.context_mark is not None and what in context:
            return Problem(
                file,
                cl,
                f"the '{opener}' at column {cc} is not closed with '{closer}' before line {pl} "
                f"({problem}); close it, or quote text that contains , [ ] {{ }} or :",
                column=cc,
            )
    if "mapping values are not allowed" in problem:
        hint = "a ':' where YAML did not expect one: check the indentation of this line and the one above, or quote the text"
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        hint = "the indentation of this line does not line up with its siblings"
        if exc.context_mark is not None and cl != pl:
            hint += f" (the block starts at line {cl})"
    elif "could not find expected ':'" in problem:
        hint = "a key without ':' after it, or a line indented under a plain value"
        if exc.context_mark is not None and cl != pl:
            return Problem(file, cl, hint + f" (YAML noticed at line {pl})", column=cc)
    else:
        hint = f"not valid YAML ({problem}" + (f"; {context} at line {cl}" if context else "") + ")"
    return Problem(file, pl, hint, column=pc)


def decode_bytes(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data[:start].count(b"\n") + 1
        col = start - (data.rfind(b"\n", 0, start) + 1) + 1
        byte = data[start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        return None, [
            Problem(
                file,
                line,
                f"byte 0x{byte:02X} at column {col} is not UTF-8 (in Latin-1 / Windows-1252 it "
                f"would be {guess!r}): save the file as UTF-8",
                column=col,
            )
        ]


def load_located(path: str | Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; syntax errors and duplicate keys come back as Problems, not raised."""
    p = Path(path)
    name = display or str(p)
    try:
        data_bytes = p.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read the file ({exc.strerror})")]
    text, problems = decode_bytes(data_bytes, name)
    if text is None:
        return None, problems
    return load_text(text, name)


def _parse(loader_class: Any, text: str) -> tuple[Any, Any]:
    """Run one located loader over `text`: its data and the loader (disposed, notes kept)."""
    loader = loader_class(text)
    loader.duplicates = []
    loader.split_numbers = []
    loader.source_text = text
    try:
        return loader.get_single_data(), loader
    finally:
        loader.dispose()


def load_text(text: str, name: str) -> tuple[Any, list[Problem]]:
    """`load_located` for text already read (`name` is what messages call the file)."""
    hidden = invisible_characters(text, name)
    loader = None
    if _CLocLoader is not None:
        try:
            data, loader = _parse(_CLocLoader, text)
        except yaml.YAMLError:
            loader = None  # parsed again below, for the Python loader's located message
    if loader is None:
        try:
            data, loader = _parse(_LocLoader, text)
        except yaml.MarkedYAMLError as exc:
            found = syntax_problem(exc, text, name)
            if any(h.line in (found.line, _mark(exc.problem_mark)[0]) for h in hidden):
                return None, hidden
            return None, [*hidden, found]
        except yaml.YAMLError as exc:
            return None, [*hidden, Problem(name, 1, f"not valid YAML ({exc})")]
    problems = hidden + [
        Problem(
            name,
            line,
            f"key '{key}' appears twice in the same block (first on line {first}); the second would silently win",
        )
        for key, line, first in loader.duplicates
    ]
    split = [
        Problem(
            name,
            line,
            f"{whole} inside [ ] or {{ }} is read as two entries ({whole.replace(',', ' and ')}): "
            f"drop the thousands separator: write {whole.replace(',', '')}",
            column=col,
        )
        for line, col, whole in loader.split_numbers
    ]
    if split:
        return None, hidden + split
    return data, problems


__all__ = [
    "LocDict",
    "LocList",
    "char_name",
    "decode_bytes",
    "invisible_characters",
    "load_located",
    "load_text",
    "syntax_problem",
    "trap_hint",
]
