"""`in_child`: a long job of the app run in a forked child, its answer or its error brought back."""

from __future__ import annotations

import os

import pytest

from advisor.app.offload import in_child
from tracker.errors import RefusedError, TrackrightError


def test_the_childs_result_comes_back_and_runs_in_another_process():
    parent = os.getpid()
    pid, answer = in_child(lambda: (os.getpid(), sum(range(1000))))
    assert answer == 499500
    assert pid != parent


def test_a_refusal_in_the_child_is_raised_here_with_its_message_and_hint():
    def refuse():
        raise RefusedError("SKU PH-1 already has stock as serial", hint="move the stock first")

    with pytest.raises(TrackrightError) as got:
        in_child(refuse)
    assert got.value.message == "SKU PH-1 already has stock as serial"
    assert got.value.hint == "move the stock first"


def test_a_bug_in_the_child_is_an_error_naming_it_not_a_hang():
    with pytest.raises(TrackrightError, match="ZeroDivisionError"):
        in_child(lambda: 1 / 0)


def test_a_child_that_dies_without_a_word_is_said_so():
    with pytest.raises(TrackrightError, match="ended before it said how it went"):
        in_child(lambda: os._exit(9))


def test_the_locks_are_held_while_forking_and_free_after():
    import threading

    lock = threading.Lock()
    assert in_child(lambda: "done", locks=(lock,)) == "done"
    assert lock.acquire(blocking=False)
