"""The onboarding conversation: questions from `rules/onboarding.yaml`, asked one at a time.

A plain-Python state machine that a chat screen only draws::

    flow = load_onboarding()
    conv = Conversation(flow)
    while (question := conv.current()) is not None:
        result = conv.answer(input(question.prompt + " "))
        if not result.ok:
            print(result.message)
    profile = conv.to_profile()

Answers are validated here with messages a founder can act on; a question whose `ask_if` does not
hold is never asked; any earlier answer can be edited (answers that depend on it are asked again,
the rest are kept); and `to_state()` is a JSON-able dict, so the caller can save it after every
answer and resume with `Conversation.from_state(flow, state)`.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from advisor.advice.profile import REGULATED_VERTICALS, BrandProfile, profile_from_mapping
from advisor.errors import Problem, TrackrightError
from advisor.rulebook.suggest import did_you_mean, nearest

KINDS = (
    "text",
    "number",
    "integer",
    "percent",
    "yes_no",
    "choice",
    "multi_choice",
    "range",
    "path",
)
CATALOG_PATH = "catalog_path"  # the one target that is not a BrandProfile field
_STATE_VERSION = 1
_ANSWERS_NO = {"yes_no", "choice", "multi_choice", "text"}
_SKIP_WORDS = {"skip", "later", "not sure", "don't know", "dont know"}
_NOTHING_WORDS = {"none", "no", "n/a", "na", "-"}  # also mean "skip", where they can't be answers
_YES = {"y", "yes", "yeah", "yep", "yup", "sure", "true", "haan", "han", "ha", "ok", "of course"}
_NO = {"n", "no", "nope", "nah", "false", "nahi", "never", "not really"}


class OnboardingError(TrackrightError, ValueError):
    """The questions file cannot be used, or the conversation was asked something impossible.

    `file` and `line` locate the first problem; `problems` lists every problem found in the file.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int = 0,
        hint: str = "",
        problems: Iterable[Problem] = (),
    ) -> None:
        super().__init__(message, hint=hint)
        self.file = file
        self.line = line
        self.problems = tuple(problems)

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> OnboardingError:
        ordered = sorted(problems, key=lambda p: (p.file, p.line))
        n = len(ordered)
        head = f"{n} problem{'s' if n != 1 else ''} in {ordered[0].file}"
        return cls(
            "\n".join(str(p) for p in ordered) + f"\n{head}",
            file=ordered[0].file,
            line=ordered[0].line,
            problems=ordered,
        )


@dataclass(frozen=True, slots=True)
class Option:
    """One choice: `value` is stored and matched, `label` is shown (and matched too)."""

    value: str
    label: str
    exclusive: bool = False  # "None of these": cannot be combined with other choices


@dataclass(frozen=True, slots=True)
class Condition:
    """An `ask_if`: a test on one earlier answer, or `all` / `any` / `not` of nested conditions.

    A test on a question that was not asked (or was skipped) is false, so a follow-up question
    never appears because of an answer the user did not give.
    """

    op: str
    answer: str = ""
    value: Any = None
    parts: tuple[Condition, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.op == "all":
            return all(p.holds(answers) for p in self.parts)
        if self.op == "any":
            return any(p.holds(answers) for p in self.parts)
        if self.op == "not":
            return not self.parts[0].holds(answers)
        got = answers.get(self.answer)
        if got is None:
            return False
        if self.op == "equals":
            return got == self.value
        if self.op == "not_equals":
            return got != self.value
        if self.op == "one_of":
            return got in self.value
        if self.op == "includes_any":
            return bool(set(got) & set(self.value))
        return set(self.value) <= set(got)  # includes_all

    def refs(self) -> tuple[str, ...]:
        if self.answer:
            return (self.answer,)
        return tuple(r for p in self.parts for r in p.refs())


@dataclass(frozen=True, slots=True)
class Question:
    """One question as the UI shows it.

    `default` is the text an empty answer stands for (and, for a re-opened question, the current
    answer, so the UI can pre-fill it). A question expanded `for_each` chosen option has the id
    `template.item`, e.g. `price_range.fashion`.
    """

    id: str
    kind: str
    prompt: str
    why: str
    options: tuple[Option, ...] = ()
    suggestions: tuple[str, ...] = ()
    default: str | None = None
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    ask_if: Condition | None = None
    depends_on: tuple[str, ...] = ()
    for_each: str = ""
    profile_field: str = ""
    options_from: str = ""
    template: str = ""
    item: str = ""
    line: int = 0

    def parse(self, text: str) -> Any:
        """The JSON-able value `text` stands for, or `InvalidAnswer` saying what would be valid."""
        raw = _clean(text)
        if raw == "" and self.default is not None:
            raw = _clean(self.default)
        if self.optional and (raw == "" or raw.lower() in _SKIP_WORDS):
            return None
        if self.optional and self.kind not in _ANSWERS_NO and raw.lower() in _NOTHING_WORDS:
            return None
        if raw == "":
            raise InvalidAnswer(_expectation(self))
        return _PARSERS[self.kind](self, raw)

    def display(self, value: Any) -> str:
        """How an answer reads back in the transcript."""
        if value is None:
            return "(skipped)"
        if self.kind == "yes_no":
            return "Yes" if value else "No"
        if self.kind == "integer":
            return f"{value:,}"
        if self.kind == "number":
            return f"{value:,}"
        if self.kind == "percent":
            return f"{round(value * 100, 4):g}%"
        if self.kind == "range":
            low, high = value
            return _money(low) if low == high else f"{_money(low)} – {_money(high)}"
        if self.kind in {"choice", "multi_choice"}:
            labels = {o.value: o.label for o in self.options}
            items = [value] if self.kind == "choice" else value
            return ", ".join(labels.get(v, v) for v in items)
        return str(value)

    def accepts(self, value: Any) -> bool:
        """Whether a stored value (from a saved state) is a possible answer to this question."""
        if value is None:
            return self.optional
        values = {o.value for o in self.options}
        if self.kind in {"text", "path"}:
            return isinstance(value, str) and value != ""
        if self.kind == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.kind == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.kind == "percent":
            return _is_number(value) and 0 <= value <= 1
        if self.kind == "yes_no":
            return isinstance(value, bool)
        if self.kind == "choice":
            return value in values
        if self.kind == "multi_choice":
            return isinstance(value, list) and bool(value) and set(value) <= values
        return (
            isinstance(value, list)
            and len(value) == 2
            and all(_is_number(v) and v >= 0 for v in value)
            and value[0] <= value[1]
        )  # range


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message says what would."""


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What `Conversation.answer` made of the user's text: the value, or why it was refused."""

    ok: bool
    message: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class OnboardingFlow:
    """The questions in the order they may be asked, as loaded from `source`."""

    questions: tuple[Question, ...]
    source: str = "<onboarding>"

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        known = [q.id for q in self.questions]
        raise OnboardingError(
            f"no onboarding question '{question_id}'{_did_you_mean(question_id, known)}"
        )

    def dependents(self, question_id: str) -> set[str]:
        """Ids of the questions whose relevance or meaning rests on this one, transitively."""
        found: set[str] = set()
        frontier = {question_id}
        while frontier:
            frontier = {
                q.id for q in self.questions if set(q.depends_on) & frontier and q.id not in found
            }
            found |= frontier
        return found

    def with_options(self, source: str, options: Iterable[Any]) -> OnboardingFlow:
        """The same flow with the options of every `options_from: source` question replaced.

        `options` may hold values, `(value, label)` pairs, `Option`s or objects with `id` (or
        `value`) and `label` such as the rulebook's verticals, or be a value→label mapping; a bare
        value keeps the label the YAML gives it, if any.
        """
        items = list(options.items()) if isinstance(options, Mapping) else list(options)
        if not items:
            raise OnboardingError(f"no {source} given to choose from")
        questions = []
        for q in self.questions:
            if q.options_from == source:
                known = {o.value: o.label for o in q.options}
                q = replace(q, options=tuple(_option(item, known) for item in items))
            questions.append(q)
        return replace(self, questions=tuple(questions))

    def _instance(self, template: Question, item: str) -> Question:
        source = self.question(template.for_each)
        label = next((o.label for o in source.options if o.value == item), item)
        return replace(
            template,
            id=f"{template.id}.{item}",
            prompt=template.prompt.format(label=label, value=item),
            template=template.id,
            item=item,
        )

    def _spec(self, question_id: str) -> Question | None:
        template, _, _ = question_id.partition(".")
        return next((q for q in self.questions if q.id == template), None)


class Conversation:
    """Where one brand is in the onboarding: its answers so far and the question being edited.

    The next question is the re-opened one if an answer is being edited, else the first relevant
    question without an answer. Editing keeps every answer until the new one is given; only if it
    differs are the answers that depend on it dropped, to be asked again (a per-vertical price is
    kept while its vertical stays chosen).
    """

    def __init__(self, flow: OnboardingFlow) -> None:
        self.flow = flow
        self._answers: dict[str, Any] = {}
        self._reopened: str | None = None

    @classmethod
    def from_state(cls, flow: OnboardingFlow, state: Mapping[str, Any]) -> Conversation:
        """Resume from `to_state()`; answers to questions the flow no longer has are dropped."""
        if not isinstance(state, Mapping) or not isinstance(state.get("answers"), Mapping):
            raise OnboardingError(
                "a saved onboarding state must be a mapping with 'answers'",
                hint="pass the dict returned by Conversation.to_state()",
            )
        if state.get("version") != _STATE_VERSION:
            raise OnboardingError(
                f"saved onboarding state has version {state.get('version')!r}, "
                f"expected {_STATE_VERSION}"
            )
        conv = cls(flow)
        for key, value in state["answers"].items():
            spec = flow._spec(str(key))
            expanded = spec is not None and bool(spec.for_each)
            if spec is not None and (key != spec.id) == expanded and spec.accepts(value):
                conv._answers[str(key)] = _copy(value)
        conv._prune()
        reopened = state.get("reopened")
        if reopened in conv._answers:
            conv._reopened = reopened
        return conv

    def to_state(self) -> dict[str, Any]:
        """A JSON-able snapshot: `from_state(flow, to_state())` resumes at the same question."""
        return {
            "version": _STATE_VERSION,
            "answers": {k: _copy(v) for k, v in self._answers.items()},
            "reopened": self._reopened,
        }

    def plan(self) -> list[Question]:
        """Every question relevant given the answers so far, answered or not, in asking order."""
        seen: dict[str, Any] = {}
        out: list[Question] = []
        for spec in self.flow.questions:
            if spec.ask_if is not None and not spec.ask_if.holds(seen):
                continue
            if spec.for_each:
                out.extend(
                    self.flow._instance(spec, item) for item in seen.get(spec.for_each) or ()
                )
                continue
            out.append(spec)
            if spec.id in self._answers:
                seen[spec.id] = self._answers[spec.id]
        return out

    def current(self) -> Question | None:
        """The question to ask now, or None when every relevant question has an answer."""
        plan = self.plan()
        if self._reopened is not None:
            q = next(q for q in plan if q.id == self._reopened)
            value = self._answers[q.id]
            return replace(q, default=None if value is None else q.display(value))
        return next((q for q in plan if q.id not in self._answers), None)

    def answer(self, text: str) -> AnswerResult:
        """Validate `text` against the current question and, if it fits, record it."""
        q = self.current()
        if q is None:
            return AnswerResult(False, "That's everything. Edit an earlier answer to change it.")
        try:
            value = q.parse(text)
            self._check_against_answers(q, value)
        except InvalidAnswer as exc:
            return AnswerResult(False, str(exc))
        had_answer = q.id in self._answers
        old = self._answers.get(q.id)
        self._answers[q.id] = value
        self._reopened = None
        if had_answer and old != value:
            self._drop_dependents(q)
        self._prune()
        return AnswerResult(True, q.display(value), _copy(value))

    def edit(self, question_id: str) -> Question:
        """Re-open an answered (or the current) question; it becomes `current()`."""
        plan = self.plan()
        q = next((q for q in plan if q.id == question_id), None)
        first_open = next((q.id for q in plan if q.id not in self._answers), None)
        if q is None or (question_id not in self._answers and question_id != first_open):
            known = [q.id for q in plan if q.id in self._answers]
            raise OnboardingError(
                f"'{question_id}' has not been answered yet, so there is nothing to edit"
                + _did_you_mean(question_id, known)
            )
        self._reopened = question_id if question_id in self._answers else None
        result = self.current()
        assert result is not None
        return result

    def back(self) -> Question | None:
        """Re-open the answer before the current question (the last one, once finished)."""
        plan = self.plan()
        current = self.current()
        end = next(i for i, q in enumerate(plan) if q.id == current.id) if current else len(plan)
        previous = [q for q in plan[:end] if q.id in self._answers]
        return self.edit(previous[-1].id) if previous else None

    def cancel_edit(self) -> None:
        """Stop editing and keep the answer as it was."""
        self._reopened = None

    def answered(self) -> list[tuple[Question, str]]:
        """The transcript so far: each answered question with its answer as text."""
        return [(q, q.display(self._answers[q.id])) for q in self.plan() if q.id in self._answers]

    def is_complete(self) -> bool:
        return self.current() is None

    def progress(self) -> tuple[int, int]:
        """(answered, expected): expected grows when an answer makes more questions relevant."""
        plan = self.plan()
        return sum(q.id in self._answers for q in plan), len(plan)

    def step(self) -> tuple[int, int]:
        """(the number of the question asked now, how many questions the flow has), for a
        counter that starts at 1 and whose total never moves: a question asked once per chosen
        option (a price per vertical) is one step, and a skipped follow-up keeps its number."""
        specs = self.flow.questions
        q = self.current()
        if q is None:
            return len(specs), len(specs)
        source = q.template or q.id
        return next(i for i, spec in enumerate(specs, 1) if spec.id == source), len(specs)

    def preselected(self, q: Question) -> list[str]:
        """Options to show ticked when `q` is asked: the answer being changed, else the regulated
        products of the categories already chosen (a food brand sells food)."""
        if self._reopened == q.id:
            value = self._answers.get(q.id)
            return list(value) if isinstance(value, list) else []
        if q.profile_field != "regulated_products":
            return []
        chosen = set(self.to_profile().verticals)
        offered = {o.value for o in q.options}
        return [r for r, v in REGULATED_VERTICALS.items() if v in chosen and r in offered]

    @property
    def catalog_path(self) -> str | None:
        for q in self.plan():
            if q.profile_field == CATALOG_PATH and self._answers.get(q.id) is not None:
                return self._answers[q.id]
        return None

    def to_profile(self) -> BrandProfile:
        """The brand profile the answers so far describe; unanswered fields keep their defaults."""
        data: dict[str, Any] = {}
        price_ranges: list[dict[str, Any]] = []
        for q in self.plan():
            value = self._answers.get(q.id)
            if value is None or not q.profile_field or q.profile_field == CATALOG_PATH:
                continue
            if q.profile_field == "price_ranges":
                price_ranges.append({"vertical": q.item, "low": value[0], "high": value[1]})
            elif q.kind == "multi_choice":
                exclusive = {o.value for o in q.options if o.exclusive}
                data[q.profile_field] = [v for v in value if v not in exclusive]
            else:
                data[q.profile_field] = value
        if price_ranges:
            data["price_ranges"] = price_ranges
        return profile_from_mapping(data, self.flow.source)

    def _check_against_answers(self, q: Question, value: Any) -> None:
        """Refuse what the other answers make impossible: more fakes or swaps a month than the
        units the brand ships (or, with a return rate, than the returns it gets)."""
        if q.profile_field != "counterfeit_incidents" or not value:
            return
        given = {s.profile_field: self._answers.get(s.id) for s in self.plan() if s.profile_field}
        orders, per_order = given.get("monthly_orders"), given.get("units_per_order") or 1
        if not orders:
            return
        units = orders * per_order
        rate = given.get("return_rate")
        if rate is not None:
            returns = math.ceil(units * rate)
            if value > returns:
                raise InvalidAnswer(
                    f"That's more than the {returns:,} returns a month your answers add up to "
                    f"({units:,g} units shipped × {rate * 100:g}% returned), and fakes or swaps "
                    f"come back as returns: give at most {returns:,}"
                )
        elif value > units:
            raise InvalidAnswer(
                f"That's more than the {units:,g} units you ship a month ({orders:,} orders × "
                f"{per_order:g} units each), and fakes or swaps come back among those: give at most "
                f"{math.floor(units):,}"
            )

    def _drop_dependents(self, changed: Question) -> None:
        source = changed.template or changed.id
        dependents = self.flow.dependents(source)
        for key in list(self._answers):
            spec = self.flow._spec(key)
            if spec is None or spec.id not in dependents:
                continue
            other_inputs = set(spec.depends_on) - {spec.for_each}
            if spec.for_each == source and not other_inputs & (dependents | {source}):
                continue  # per-item answer: kept while its item stays chosen (see _prune)
            del self._answers[key]

    def _prune(self) -> None:
        relevant = {q.id for q in self.plan()}
        for key in list(self._answers):
            if key not in relevant:
                del self._answers[key]


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
                self.problem(key_node, f"unknown {what} '{key}'{_did_you_mean(key, allowed)}", qid)
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
                f"unknown kind '{kind}'{_did_you_mean(kind, KINDS)}; kinds are {', '.join(KINDS)}",
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
                out.append(Option(value, _label(value)))
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
            label = self.text(items.get("label"), "label", q.id) or _label(value)
            out.append(Option(value, label, self.flag(items.get("exclusive"), "exclusive", q.id)))
        return tuple(out)

    def options_from(self, node: yaml.Node | None, q: Question) -> str:
        name = self.text(node, "options_from", q.id)
        if name and name not in _OPTION_SOURCES:
            self.problem(
                node,
                f"unknown options_from '{name}'{_did_you_mean(name, _OPTION_SOURCES)}",
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
            if not _is_number(value):
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
                f"{key} refers to unknown question '{ref}'{_did_you_mean(ref, self.lines)}",
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
                        f"'{v}' is not an option of '{ref}'{_did_you_mean(str(v), names)}",
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
            self.problem(
                node, f"unknown profile_field '{name}'{_did_you_mean(name, targets)}", q.id
            )
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
            _PARSERS[q.kind](replace(q, default=None), _clean(text))
        except InvalidAnswer as exc:
            self.problem(node, f"default {text!r} is not a valid answer: {exc}", q.id)
            return None
        return text


# --- parsing answers ----------------------------------------------------------------------------

_CURRENCY = re.compile(r"₹|\brs\.?|\binr\b|\$|\busd\b|€|£", re.IGNORECASE)
_HEDGES = re.compile(
    r"^(?:about|around|roughly|approx\.?|approximately|maybe|typically|~|between)\s*", re.IGNORECASE
)
_PER_MONTH = re.compile(r"\s*(?:a|per|/|every)\s*month$|\s*monthly$|\s*pm$", re.IGNORECASE)
_AMOUNT = re.compile(
    r"((?:\d+(?:\.\d+)?|\.\d+)(?:e\+?\d+)?)\s*(k|thousand|l|lakhs?|lacs?|cr|crores?|m|mn|million)?",
    re.IGNORECASE,
)  # "1e9" is 1,000,000,000 as much as "1000000000" is
_NEGATIVE = re.compile(r"^\s*(?:[-−–]|minus\b)", re.IGNORECASE)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6}
_MULTIPLIERS |= dict.fromkeys(("l", "lakh", "lakhs", "lac", "lacs"), 1e5)
_MULTIPLIERS |= dict.fromkeys(("cr", "crore", "crores"), 1e7)


def _clean(text: str) -> str:
    return " ".join(str(text).split()).strip()


def _amount(text: str) -> tuple[float, float] | None:
    """(number, multiplier) from '3,000', '1.5k', '2 lakh', '₹500/-'; None if it is not one."""
    t = _CURRENCY.sub("", text).replace("/-", "").replace(",", "").strip()
    m = _AMOUNT.fullmatch(t)
    if not m:
        return None
    return float(m.group(1)), _MULTIPLIERS.get((m.group(2) or "").lower(), 1.0)


def _number_text(q: Question, raw: str) -> float | None:
    t = _HEDGES.sub("", raw.lower())
    t = _PER_MONTH.sub("", t).strip()
    if q.unit and t.endswith(q.unit.lower()):
        t = t[: -len(q.unit)].strip()
    found = _amount(t)
    return None if found is None else found[0] * found[1]


def _expectation(q: Question) -> str:
    example = q.suggestions[0] if q.suggestions else (q.default or "")
    like = f", like {example}" if example else ""
    if q.kind == "integer":
        return f"Please give a whole number{f' of {q.unit}' if q.unit else ''}{_limits(q)}{like}"
    if q.kind == "number":
        return f"Please give a number{f' of {q.unit}' if q.unit else ''}{_limits(q)}{like}"
    if q.kind == "percent":
        if q.unit:
            article = "An" if q.unit[0].lower() in "aeiou" else "A"
            return f"{article} {q.unit} is a percentage between 0 and 100, like 8%"
        return "Please give a percentage between 0 and 100, like 8%"
    if q.kind == "yes_no":
        return "Please answer yes or no"
    if q.kind == "range":
        return "Please give a price range like 500-3000, or one typical price like 1200"
    if q.kind == "path":
        skip = ", or say skip" if q.optional else ""
        return f"Please give the path to a file, like ~/Downloads/products.csv{skip}"
    if q.kind == "choice":
        return f"Pick one of: {_numbered(q)}"
    if q.kind == "multi_choice":
        return f"Pick one or more of: {_numbered(q)}"
    return "Please type an answer"


def _limits(q: Question) -> str:
    low, high = q.minimum, q.maximum
    if low is not None and high is not None:
        return f" from {low:,g} to {high:,g}"
    if low is not None:
        return f" of at least {low:,g}" if low else ""
    return f" up to {high:,g}" if high is not None else ""


def _numbered(q: Question) -> str:
    return ", ".join(f"{i} {o.label}" for i, o in enumerate(q.options, 1))


def _in_limits(q: Question, value: float) -> bool:
    return (q.minimum is None or value >= q.minimum) and (q.maximum is None or value <= q.maximum)


def _parse_text(q: Question, raw: str) -> str:
    if len(raw) > 200:
        raise InvalidAnswer("That's a little long; 200 characters at most, please")
    return raw


def _parse_integer(q: Question, raw: str) -> int:
    value = _number_text(q, raw)
    if value is None or value != int(value) or not _in_limits(q, value):
        raise InvalidAnswer(_expectation(q))
    return int(value)


def _parse_number(q: Question, raw: str) -> int | float:
    value = _number_text(q, raw)
    if value is None or not _in_limits(q, value):
        raise InvalidAnswer(_expectation(q))
    return int(value) if value == int(value) else value


def _parse_percent(q: Question, raw: str) -> float:
    """A share from '8%', '8 percent' or '8'; a bare number below 1 ('0.08') is already a share."""
    t = _HEDGES.sub("", raw.lower()).strip()
    sign = re.search(r"\s*(%|percent|per cent|pct)$", t)
    if sign:
        t = t[: sign.start()].strip()
    found = _amount(t) if re.fullmatch(r"\d*\.?\d+", t) else None
    if found is None:
        raise InvalidAnswer(_expectation(q))
    value = found[0]
    share = value if (value < 1 and not sign) else value / 100
    if not 0 <= share <= 1:
        raise InvalidAnswer(_expectation(q))
    return round(share, 6)


def _parse_yes_no(q: Question, raw: str) -> bool:
    t = raw.lower().strip(" .!")
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise InvalidAnswer(_expectation(q))


def _match_option(q: Question, token: str) -> Option | None:
    t = token.strip(" .").lower()
    if not t:
        return None
    if t.isdigit():
        n = int(t)
        return q.options[n - 1] if 1 <= n <= len(q.options) else None
    for o in q.options:
        if t in {o.value.lower(), o.label.lower(), o.value.replace("_", " ").lower()}:
            return o
    starts = [o for o in q.options if o.label.lower().startswith(t)] if len(t) >= 2 else []
    return starts[0] if len(starts) == 1 else None


def _parse_choice(q: Question, raw: str) -> str:
    option = _match_option(q, raw)
    if option is None:
        raise InvalidAnswer(f"'{raw}' isn't one of the choices. {_expectation(q)}")
    return option.value


_CONNECTIVES = re.compile(r"^\s*(?:and|or|&|\+)(?:\s+|$)|\s+(?:and|or|&|\+)\s*$", re.IGNORECASE)


def _parse_multi_choice(q: Question, raw: str) -> list[str]:
    """Chosen values, in option order, from labels, values or numbers separated by , ; and /."""
    chosen: set[str] = set()
    rest = raw
    for option in sorted(q.options, key=lambda o: -len(o.label)):  # labels may hold commas
        label = re.compile(rf"(?<!\w){re.escape(option.label)}(?!\w)", re.IGNORECASE)
        if label.search(rest):
            chosen.add(option.value)
            rest = label.sub(",", rest)
    for piece in (_CONNECTIVES.sub("", p).strip() for p in re.split(r"[,;]", rest)):
        option = _match_option(q, piece) if piece else None
        if option is not None or not piece:
            chosen |= {option.value} if option else set()
            continue
        words = [w for w in re.split(r"\s+(?:and|or|&|\+)\s+|\s*/\s*|\s+(?=\d)", piece) if w]
        matched = [_match_option(q, w) for w in words]
        if len(words) < 2 or None in matched:
            bad = next((w for w, m in zip(words, matched, strict=True) if m is None), piece)
            raise InvalidAnswer(f"'{bad}' isn't one of the choices. {_expectation(q)}")
        chosen |= {m.value for m in matched if m is not None}
    if not chosen:
        raise InvalidAnswer(_expectation(q))
    exclusive = [o for o in q.options if o.exclusive and o.value in chosen]
    if exclusive and len(chosen) > 1:
        raise InvalidAnswer(f"'{exclusive[0].label}' can't be combined with other choices")
    return [o.value for o in q.options if o.value in chosen]


def _parse_range(q: Question, raw: str) -> list[float]:
    """[low, high] from '500-3000', '₹500 to ₹3,000', '1.5k-4k', 'under 500' or one price."""
    t = _HEDGES.sub("", raw.lower().replace("/-", "")).strip()
    if _NEGATIVE.match(_CURRENCY.sub("", t)):
        raise InvalidAnswer("A price can't be below zero. " + _expectation(q))
    upper = re.match(r"^(?:under|below|up to|upto|less than|<)\s*(.+)$", t)
    lower = re.match(r"^(?:over|above|more than|>)\s*(.+)$|^(.+?)\s*\+$", t)
    if upper:
        parts = ["0", upper.group(1)]
    elif lower:
        parts = [lower.group(1) or lower.group(2)]
    else:
        parts = [p for p in re.split(r"\s*(?:-|–|—|\bto\b|\band\b)\s*", t) if p]
    amounts = [a for a in map(_amount, parts) if a is not None]
    if len(amounts) != len(parts) or not 1 <= len(amounts) <= 2:
        raise InvalidAnswer(_expectation(q))
    (lo, lo_mult), (hi, hi_mult) = amounts[0], amounts[-1]
    if lo_mult == 1 and hi_mult > 1 and 0 < lo < 100 and lo <= hi:
        lo_mult = hi_mult  # "1.5-4k" means 1.5k to 4k, while "500-3k" stays 500 to 3,000
    low, high = sorted((round(lo * lo_mult, 2), round(hi * hi_mult, 2)))
    if high <= 0:
        raise InvalidAnswer(_expectation(q))
    return [low, high]


def _parse_path(q: Question, raw: str) -> str:
    p = Path(raw.strip("'\"")).expanduser()
    if p.is_dir():
        raise InvalidAnswer(f"{p} is a folder; give the catalog file inside it")
    if not p.is_file():
        skip = ", or say skip to add it later" if q.optional else ""
        raise InvalidAnswer(f"There's no file at {p}. Check the path{skip}")
    if q.profile_field == CATALOG_PATH:
        _check_catalog(q, p)
    return str(p.resolve())


def _check_catalog(q: Question, p: Path) -> None:
    """Refuse a file the catalog readers cannot read (a README, a spreadsheet, a photo) now,
    not after the questions, on an empty recommendation: open it and read its first rows."""
    from advisor.catalog import open_catalog
    from advisor.catalog.records import SkuRecord
    from advisor.errors import CatalogError

    skip = " (or say skip to add it later)" if q.optional else ""
    expected = "a CSV, a Shopify or WooCommerce export, JSON or JSON Lines with a SKU column"
    try:
        with open_catalog(p) as reader:
            for n, item in enumerate(reader):
                if isinstance(item, SkuRecord):
                    return
                if n >= 200:
                    break
    except CatalogError as err:
        reason = err.message.removeprefix(f"{p}: ")  # its hint speaks of CLI options
        raise InvalidAnswer(
            f"{p.name} isn't a catalog I can read: {reason}. Give {expected}{skip}"
        ) from None
    except (OSError, UnicodeError, ValueError) as err:
        raise InvalidAnswer(f"{p.name} can't be read ({err}). Give {expected}{skip}") from None
    raise InvalidAnswer(f"{p.name} has no product rows I can read. Give {expected}{skip}")


_PARSERS = {
    "text": _parse_text,
    "number": _parse_number,
    "integer": _parse_integer,
    "percent": _parse_percent,
    "yes_no": _parse_yes_no,
    "choice": _parse_choice,
    "multi_choice": _parse_multi_choice,
    "range": _parse_range,
    "path": _parse_path,
}


# --- small helpers ------------------------------------------------------------------------------


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    return did_you_mean(word, known)


def _scalar(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_object(node) if isinstance(node, yaml.ScalarNode) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _option(item: Any, known: Mapping[str, str]) -> Option:
    if isinstance(item, Option):
        return item
    for key in ("id", "value"):  # a rulebook Vertical (id, label) or any look-alike
        if isinstance(getattr(item, key, None), str) and isinstance(
            getattr(item, "label", None), str
        ):
            return Option(getattr(item, key), item.label)
    if isinstance(item, tuple | list) and len(item) == 2:
        return Option(str(item[0]), str(item[1]))
    value = str(item)
    return Option(value, known.get(value, _label(value)))


def _money(amount: float) -> str:
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


__all__ = [
    "AnswerResult",
    "Condition",
    "Conversation",
    "InvalidAnswer",
    "OnboardingError",
    "OnboardingFlow",
    "Option",
    "Question",
    "load_onboarding",
]
