"""The onboarding questions file (`rules/onboarding.yaml`): read, checked line by line, made a flow.

Every problem in the file is collected with its line and reported at once (`OnboardingError`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from advisor.advice.answers import InvalidAnswer, parse_value
from advisor.advice.profile import BrandProfile
from advisor.advice.questions import (
    CATALOG_PATH,
    KINDS,
    Condition,
    OnboardingError,
    OnboardingFlow,
    Option,
    Question,
    is_number,
    label_of,
)
from advisor.errors import Problem
from advisor.rulebook.suggest import did_you_mean, nearest


def load_onboarding(
    path: str | Path | None = None, verticals: Iterable[Any] | Mapping[str, str] | None = None
) -> OnboardingFlow:
    """Read and check the questions; `verticals` replaces the options of `options_from: verticals`.

    Every problem in the file is reported at once, each with its line, as an `OnboardingError`.
    """
    source, text = _read(path)
    from advisor.rulebook.yamlsrc import invisible_characters, syntax_problem

    hidden = invisible_characters(text, source)
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        found = syntax_problem(exc, text, source)
        raise OnboardingError.from_problems(
            hidden if any(h.line == found.line for h in hidden) else [*hidden, found]
        ) from None
    except yaml.YAMLError as exc:
        raise OnboardingError(f"{source}:1: not valid YAML ({exc})", file=source, line=1) from None
    if hidden:
        raise OnboardingError.from_problems(hidden)
    loader = _Loader(source)
    questions = loader.load(root)
    if loader.problems:
        raise OnboardingError.from_problems(loader.problems)
    flow = OnboardingFlow(tuple(questions), source)
    return flow if verticals is None else flow.with_options("verticals", verticals)


def _read(path: str | Path | None) -> tuple[str, str]:
    if path is None:  # the questions beside the rules the running code uses
        from advisor.rulebook.load import bundled_rules_dir

        path = bundled_rules_dir() / "onboarding.yaml"
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise OnboardingError(
            f"{p}: cannot read the onboarding questions ({exc.strerror})", file=str(p)
        ) from None
    from advisor.rulebook.yamlsrc import decode_bytes

    text, problems = decode_bytes(data, str(p))
    if text is None:
        raise OnboardingError.from_problems(problems)
    return str(p), text


# --- loading and checking the YAML ------------------------------------------------------------

_TOP_KEYS = ("version", "questions")
_QUESTION_KEYS = tuple(
    "id kind prompt why options options_from ask_if depends_on for_each default suggestions"
    " profile_field min max unit optional".split()
)
_OPTION_KEYS = ("value", "label", "exclusive")
_TESTS = ("equals", "not_equals", "one_of", "includes_any", "includes_all")
_COMBINATORS = ("all", "any", "not")
_OPTION_SOURCES = ("verticals",)
_ID = re.compile(r"[a-z][a-z0-9_]*")
# Which kinds of question can fill a BrandProfile field, by the field's declared type.
_KINDS_FOR_TYPE = {
    "str": {"text", "choice"},
    "int": {"integer"},
    "float": {"number", "integer"},
    "float | None": {"percent", "number"},
    "bool": {"yes_no"},
    "tuple[str, ...]": {"multi_choice"},
    "tuple[tuple[str, float, float], ...]": {"range"},
}
_PROFILE_FIELDS = {
    f.name: f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    for f in fields(BrandProfile)
}


@dataclass
class _Loader:
    """Turns the composed YAML into Questions, collecting every problem with its line."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # every question id → its line
    done: dict[str, Question] = field(default_factory=dict)  # questions already built
    filled: dict[str, str] = field(default_factory=dict)  # profile field → question id

    def problem(self, node: yaml.Node | None, message: str, qid: str = "") -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        who = f"question {qid}: " if qid else ""
        self.problems.append(Problem(self.source, line, who + message))

    def load(self, root: yaml.Node | None) -> list[Question]:
        if root is None:
            self.problem(None, "the file is empty; expected 'questions:' with a list of questions")
            return []
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected a mapping with 'questions:' at the top")
            return []
        items = self.mapping(root, _TOP_KEYS, "")
        version = items.get("version")
        if version is not None and _scalar(version) != 1:
            self.problem(version, f"version must be 1, got {_scalar(version)!r}")
        node = items.get("questions")
        if node is None:
            self.problem(root, "missing 'questions:' (a list of questions)")
            return []
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, "'questions' must be a non-empty list of questions")
            return []
        for qnode in node.value:
            if isinstance(qnode, yaml.MappingNode):
                for k, v in qnode.value:
                    if k.value == "id" and isinstance(v, yaml.ScalarNode):
                        self.lines.setdefault(str(v.value).strip(), qnode.start_mark.line + 1)
        out = []
        for qnode in node.value:
            q = self.question(qnode)
            if q is not None:
                out.append(q)
                self.done[q.id] = q
        return out

    def mapping(
        self, node: yaml.MappingNode, allowed: tuple[str, ...], qid: str, what: str = "key"
    ) -> dict[str, yaml.Node]:
        """The entries by key; unknown keys (with a did-you-mean) and repeats are reported."""
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in allowed:
                self.problem(key_node, f"unknown {what} '{key}'{did_you_mean(key, allowed)}", qid)
            elif key in items:
                self.problem(key_node, f"'{key}' is given twice", qid)
            else:
                items[key] = value_node
        return items

    def text(self, node: yaml.Node | None, name: str, qid: str) -> str:
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode) or str(node.value).strip() == "":
            self.problem(node, f"'{name}' must be non-empty text", qid)
            return ""
        return str(node.value).strip()

    def question(self, node: yaml.Node) -> Question | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each question must be a mapping with id, kind, prompt and why")
            return None
        id_node = next((v for k, v in node.value if k.value == "id"), None)
        qid = self.text(id_node, "id", "")
        items = self.mapping(node, _QUESTION_KEYS, qid)
        if not qid:
            self.problem(node, "a question needs an 'id'")
            return None
        if not _ID.fullmatch(qid):
            self.problem(id_node, "ids are lower_snake_case, like monthly_orders", qid)
        if qid in self.done or self.lines.get(qid) != node.start_mark.line + 1:
            self.problem(id_node, f"id already used by the question on line {self.lines[qid]}", qid)
            return None
        typos = {
            near[0]
            for k, _ in node.value
            if k.value not in _QUESTION_KEYS
            and (near := [nearest(str(k.value), _QUESTION_KEYS)])[0]
        }
        for required in ("kind", "prompt", "why"):
            if required not in items and required not in typos:
                self.problem(node, f"missing '{required}'", qid)
        kind = self.text(items.get("kind"), "kind", qid)
        if kind and kind not in KINDS:
            self.problem(
                items["kind"],
                f"unknown kind '{kind}'{did_you_mean(kind, KINDS)}; kinds are {', '.join(KINDS)}",
                qid,
            )
            return None
        if not kind:
            return None
        q = Question(
            id=qid,
            kind=kind,
            prompt=self.text(items.get("prompt"), "prompt", qid),
            why=self.text(items.get("why"), "why", qid),
            line=node.start_mark.line + 1,
        )
        q = replace(
            q,
            options=self.options(items.get("options"), q, node),
            options_from=self.options_from(items.get("options_from"), q),
            suggestions=self.strings(items.get("suggestions"), "suggestions", qid),
            optional=self.flag(items.get("optional"), "optional", qid),
            unit=self.text(items.get("unit"), "unit", qid),
        )
        q = self.bounds(items, q)
        for_each = self.reference(items.get("for_each"), q, "for_each")
        if for_each and (source_kind := self.done[for_each].kind) != "multi_choice":
            message = f"for_each needs a multi_choice question; '{for_each}' is a {source_kind}"
            self.problem(items["for_each"], message, qid)
            for_each = ""
        if for_each:
            self.template(items.get("prompt"), q)
        ask_if = self.condition(items["ask_if"], q) if "ask_if" in items else None
        explicit: list[str] = []
        depends = items.get("depends_on")
        if depends is not None:
            nodes = depends.value if isinstance(depends, yaml.SequenceNode) else [depends]
            explicit = [r for n in nodes if (r := self.reference(n, q, "depends_on"))]
        refs = (*(ask_if.refs() if ask_if else ()), *explicit, *([for_each] if for_each else []))
        q = replace(
            q,
            ask_if=ask_if,
            for_each=for_each,
            depends_on=tuple(dict.fromkeys(refs)),
        )
        q = replace(q, profile_field=self.profile_field(items.get("profile_field"), q))
        return replace(q, default=self.default(items.get("default"), q))

    def options(
        self, node: yaml.Node | None, q: Question, question: yaml.Node
    ) -> tuple[Option, ...]:
        choice = q.kind in {"choice", "multi_choice"}
        if node is None:
            if choice:
                self.problem(question, f"a {q.kind} question needs 'options'", q.id)
            return ()
        if not choice:
            self.problem(
                node, f"'options' only apply to choice and multi_choice, not {q.kind}", q.id
            )
            return ()
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, "'options' must be a non-empty list of {value, label}", q.id)
            return ()
        out: list[Option] = []
        for onode in node.value:
            if isinstance(onode, yaml.ScalarNode):
                value = str(onode.value)
                out.append(Option(value, label_of(value)))
                continue
            if not isinstance(onode, yaml.MappingNode):
                self.problem(onode, "each option is a {value, label} mapping", q.id)
                continue
            items = self.mapping(onode, _OPTION_KEYS, q.id, "option key")
            value = self.text(items.get("value"), "value", q.id)
            if not value:
                self.problem(onode, "an option needs a 'value'", q.id)
                continue
            if value in {o.value for o in out}:
                self.problem(onode, f"option '{value}' is listed twice", q.id)
                continue
            label = self.text(items.get("label"), "label", q.id) or label_of(value)
            out.append(Option(value, label, self.flag(items.get("exclusive"), "exclusive", q.id)))
        return tuple(out)

    def options_from(self, node: yaml.Node | None, q: Question) -> str:
        name = self.text(node, "options_from", q.id)
        if name and name not in _OPTION_SOURCES:
            self.problem(
                node,
                f"unknown options_from '{name}'{did_you_mean(name, _OPTION_SOURCES)}",
                q.id,
            )
            return ""
        if name and q.kind not in {"choice", "multi_choice"}:
            self.problem(node, "'options_from' only applies to choice and multi_choice", q.id)
            return ""
        return name

    def strings(self, node: yaml.Node | None, name: str, qid: str) -> tuple[str, ...]:
        if node is None:
            return ()
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not all(isinstance(n, yaml.ScalarNode) for n in nodes):
            self.problem(node, f"'{name}' must be a list of text", qid)
            return ()
        return tuple(str(n.value) for n in nodes)

    def flag(self, node: yaml.Node | None, name: str, qid: str) -> bool:
        if node is None:
            return False
        value = _scalar(node)
        if not isinstance(value, bool):
            self.problem(node, f"'{name}' must be true or false, got {value!r}", qid)
            return False
        return value

    def bounds(self, items: dict[str, yaml.Node], q: Question) -> Question:
        limits: dict[str, float | None] = {"min": None, "max": None}
        for name in limits:
            node = items.get(name)
            if node is None:
                continue
            if q.kind not in {"number", "integer"}:
                self.problem(
                    node, f"'{name}' only applies to number and integer, not {q.kind}", q.id
                )
                continue
            value = _scalar(node)
            if not is_number(value):
                self.problem(node, f"'{name}' must be a number, got {value!r}", q.id)
                continue
            limits[name] = value
        low, high = limits["min"], limits["max"]
        if low is not None and high is not None and low > high:
            self.problem(items["min"], f"min {low} is above max {high}", q.id)
        return replace(q, minimum=low, maximum=high)

    def reference(self, node: yaml.Node | None, q: Question, key: str) -> str:
        """An id that must name an earlier, non-template question."""
        if node is None:
            return ""
        ref = self.text(node, key, q.id)
        if not ref:
            return ""
        if ref in self.done and not self.done[ref].for_each:
            return ref
        if ref in self.done:
            self.problem(node, f"{key} cannot refer to '{ref}': it is asked once per item", q.id)
        elif ref == q.id:
            self.problem(node, f"{key} refers to the question itself", q.id)
        elif ref in self.lines:
            self.problem(
                node,
                f"{key} refers to '{ref}', which is asked later (line {self.lines[ref]}); "
                "a question can only depend on earlier answers",
                q.id,
            )
        else:
            self.problem(
                node,
                f"{key} refers to unknown question '{ref}'{did_you_mean(ref, self.lines)}",
                q.id,
            )
        return ""

    def template(self, node: yaml.Node | None, q: Question) -> None:
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(q.prompt) if n is not None}
        except ValueError as exc:
            self.problem(node, f"prompt is not a valid template ({exc})", q.id)
            return
        for name in names - {"label", "value"}:
            self.problem(
                node,
                f"prompt uses {{{name}}}; a for_each prompt may use {{label}} and {{value}}",
                q.id,
            )

    def condition(self, node: yaml.Node, q: Question) -> Condition | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "ask_if must be a mapping like {answer: ID, equals: VALUE}", q.id)
            return None
        allowed = ("answer", *_TESTS, *_COMBINATORS)
        items = self.mapping(node, allowed, q.id, "ask_if key")
        if len(items) != len(node.value):
            return None  # an unknown or repeated key, already reported
        combinators = [k for k in _COMBINATORS if k in items]
        tests = [k for k in _TESTS if k in items]
        if combinators:
            if len(items) > 1:
                self.problem(node, f"'{combinators[0]}' must stand alone in its mapping", q.id)
                return None
            name = combinators[0]
            inner = items[name]
            if name == "not":
                part = self.condition(inner, q)
                return Condition("not", parts=(part,)) if part else None
            if not isinstance(inner, yaml.SequenceNode) or not inner.value:
                self.problem(inner, f"'{name}' takes a non-empty list of conditions", q.id)
                return None
            parts = [self.condition(n, q) for n in inner.value]
            good = tuple(p for p in parts if p is not None)
            return Condition(name, parts=good) if len(good) == len(parts) else None
        if "answer" not in items or len(tests) != 1:
            self.problem(
                node,
                "a condition needs 'answer' and exactly one of "
                + ", ".join(_TESTS)
                + " (or all / any / not)",
                q.id,
            )
            return None
        ref = self.reference(items["answer"], q, "ask_if")
        if not ref:
            return None
        return self.test(ref, tests[0], items[tests[0]], q)

    def test(self, ref: str, op: str, node: yaml.Node, q: Question) -> Condition | None:
        target = self.done[ref]
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(node, yaml.SequenceNode):
            value = [_scalar(n) for n in node.value if isinstance(n, yaml.ScalarNode)]
        if op in {"includes_any", "includes_all"}:
            if target.kind != "multi_choice":
                self.problem(
                    node, f"{op} needs a multi_choice answer; '{ref}' is a {target.kind}", q.id
                )
                return None
            value = [value] if isinstance(value, str) else value
        elif op == "one_of":
            value = [value] if not isinstance(value, list) else value
        elif target.kind == "multi_choice":
            self.problem(
                node, f"'{ref}' is a list of choices; use includes_any or includes_all", q.id
            )
            return None
        values = value if isinstance(value, list) else [value]
        if not values or value is None:
            self.problem(node, f"{op} needs a value", q.id)
            return None
        if target.kind == "yes_no" and not all(isinstance(v, bool) for v in values):
            self.problem(node, f"'{ref}' is a yes/no question: compare it with true or false", q.id)
            return None
        if target.options:
            names = [o.value for o in target.options]
            for v in values:
                if str(v) not in names:
                    self.problem(
                        node,
                        f"'{v}' is not an option of '{ref}'{did_you_mean(str(v), names)}",
                        q.id,
                    )
                    return None
            values = [str(v) for v in values]
        frozen = tuple(values) if isinstance(value, list) else values[0]
        return Condition(op, answer=ref, value=frozen)

    def profile_field(self, node: yaml.Node | None, q: Question) -> str:
        name = self.text(node, "profile_field", q.id)
        if not name:
            return ""
        targets = [*_PROFILE_FIELDS, CATALOG_PATH]
        if name not in targets:
            self.problem(node, f"unknown profile_field '{name}'{did_you_mean(name, targets)}", q.id)
            return ""
        kinds = (
            {"path"} if name == CATALOG_PATH else _KINDS_FOR_TYPE.get(_PROFILE_FIELDS[name], set())
        )
        if q.kind not in kinds:
            expected = " or ".join(sorted(kinds)) or "no question"
            self.problem(
                node, f"profile_field '{name}' is filled by {expected}, not {q.kind}", q.id
            )
            return ""
        if bool(q.for_each) != (name == "price_ranges"):
            self.problem(
                node, "price_ranges is filled by a for_each range question, and only by one", q.id
            )
            return ""
        numeric = q.kind in {"number", "integer"}
        if numeric and (q.minimum is None or q.minimum < 0):
            self.problem(node, f"a number filling '{name}' needs 'min' of 0 or more", q.id)
        if name in self.filled:
            self.problem(
                node, f"profile_field '{name}' is already filled by '{self.filled[name]}'", q.id
            )
            return ""
        self.filled[name] = q.id
        return name

    def default(self, node: yaml.Node | None, q: Question) -> str | None:
        if node is None:
            return None
        if isinstance(node, yaml.SequenceNode):
            text = ", ".join(str(n.value) for n in node.value)
        elif isinstance(node, yaml.ScalarNode):
            text = str(node.value)
        else:
            self.problem(node, "'default' must be an answer written as text", q.id)
            return None
        try:
            parse_value(q, text)
        except InvalidAnswer as exc:
            self.problem(node, f"default {text!r} is not a valid answer: {exc}", q.id)
            return None
        return text


def _scalar(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_object(node) if isinstance(node, yaml.ScalarNode) else None


__all__ = ["load_onboarding"]
