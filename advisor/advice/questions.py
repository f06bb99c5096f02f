"""The onboarding questions as data: a question, its options and `ask_if` condition, the flow of them.

Loaded from `rules/onboarding.yaml` by `advisor.advice.onboarding_file`; asked one at a time by
`advisor.advice.onboarding.Conversation`; an answer is read by `advisor.advice.answers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from advisor.advice.answers import InvalidAnswer, parse_answer
from advisor.errors import Problem, TrackrightError
from advisor.rulebook.suggest import did_you_mean

if TYPE_CHECKING:
    from advisor.catalog.columns import ColumnTable

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

    def parse(self, text: str, columns: ColumnTable | None = None) -> Any:
        """The JSON-able value `text` stands for, or `InvalidAnswer` saying what would be valid;
        a catalog is checked with `columns` (the rulebook's column table, see `OnboardingFlow`)."""
        return parse_answer(self, text, columns=columns)

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
            return is_number(value) and 0 <= value <= 1
        if self.kind == "yes_no":
            return isinstance(value, bool)
        if self.kind == "choice":
            return value in values
        if self.kind == "multi_choice":
            return isinstance(value, list) and bool(value) and set(value) <= values
        return (
            isinstance(value, list)
            and len(value) == 2
            and all(is_number(v) and v >= 0 for v in value)
            and value[0] <= value[1]
        )  # range


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
    # the rulebook's column table, which a catalog answer is checked with: the columns it will be
    # decided with, already loaded (None reads columns.yaml again, for each check)
    columns: ColumnTable | None = field(default=None, compare=False, repr=False)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        known = [q.id for q in self.questions]
        raise OnboardingError(
            f"no onboarding question '{question_id}'{did_you_mean(question_id, known)}"
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
                q = replace(q, options=tuple(option_from(item, known) for item in items))
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


def is_number(value: Any) -> bool:
    """A real number, not a bool (YAML's `yes` is True, never 1)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def label_of(value: str) -> str:
    """How an option's value reads when the file gives it no label: `fine_jewellery` → Fine jewellery."""
    return value.replace("_", " ").capitalize()


def option_from(item: Any, known: Mapping[str, str]) -> Option:
    """An Option from what a file or the rulebook gives: an Option, a vertical, a pair or a value."""
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
    return Option(value, known.get(value, label_of(value)))


def _money(amount: float) -> str:
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


__all__ = [
    "is_number",
    "label_of",
    "option_from",
    "CATALOG_PATH",
    "KINDS",
    "AnswerResult",
    "Condition",
    "InvalidAnswer",
    "OnboardingError",
    "OnboardingFlow",
    "Option",
    "Question",
]
