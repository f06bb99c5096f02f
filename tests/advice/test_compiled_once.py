"""The word automaton is compiled once per rulebook and never carried over to a changed one."""

from __future__ import annotations

from dataclasses import replace

from advisor.advice.evaluate import Evaluator


def test_evaluators_of_one_rulebook_share_its_lexicon(book):
    a, b = Evaluator(book), Evaluator(book)
    assert a.classifier.titles._lex is b.classifier.titles._lex


def test_a_changed_rulebook_compiles_its_own(book):
    Evaluator(book)
    changed = replace(book, version="changed")
    assert changed.compiled == {}
    assert Evaluator(changed).classifier.titles._lex is not Evaluator(book).classifier.titles._lex
