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
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from advisor.advice.answers import InvalidAnswer
from advisor.advice.onboarding_file import load_onboarding
from advisor.advice.profile import REGULATED_VERTICALS, BrandProfile, profile_from_mapping
from advisor.advice.questions import (
    CATALOG_PATH,
    AnswerResult,
    Condition,
    OnboardingError,
    OnboardingFlow,
    Option,
    Question,
)
from advisor.rulebook.suggest import did_you_mean

_STATE_VERSION = 1


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
            value = q.parse(text, self.flow.columns)
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
                + did_you_mean(question_id, known)
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
