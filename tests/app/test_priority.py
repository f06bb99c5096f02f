"""The app's forked children give way on the CPU (nicer than the app), the app itself never."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

import pytest
from tui_helpers import hear_progress, phone_catalog, settle

from advisor.app.offload import in_child
from advisor.app.priority import BACKGROUND_NICE, give_way

pytestmark = pytest.mark.skipif(
    not hasattr(os, "getpriority") or "fork" not in mp.get_all_start_methods(),
    reason="nice values and fork are Unix",
)


def _nicer(parent: int) -> int:
    """The nice value a child of a process at `parent` runs at (19 is the most there is)."""
    return min(parent + BACKGROUND_NICE, 19)


def _children_of(pid: int) -> list[int]:
    """The processes `pid` forked and that still run (Linux's /proc says)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


async def _decided_watched(make_app, onboard, catalog: Path, monkeypatch) -> dict:
    """Let the app decide `catalog`; on its first progress report, the nice values of the
    app's process, of the deciding child and of the worker that child forked (the child is
    still deciding then: a report comes after its first chunk of rows)."""
    seen: list[dict] = []

    def heard(screen, doing: str, done: int) -> None:
        if doing == "Deciding" and not seen:
            children = [p.pid for p in mp.active_children() if p.name == "trackright-decide"]
            seen.append(
                {
                    "app": os.getpriority(os.PRIO_PROCESS, 0),
                    "children": [os.getpriority(os.PRIO_PROCESS, c) for c in children],
                    "workers": [
                        os.getpriority(os.PRIO_PROCESS, w)
                        for c in children
                        for w in _children_of(c)
                    ],
                }
            )

    hear_progress(monkeypatch, heard)
    onboard(catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert app.screen.rec is not None
    assert seen, "no progress report while deciding"
    return seen[0]


async def test_the_deciding_child_runs_nicer_than_the_app(make_app, onboard, tmp_path, monkeypatch):
    """While the app decides a catalog, its deciding process runs at a higher nice value than
    the app's own process, whose nice value is what it was before (keys are handled first)."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    catalog = phone_catalog(tmp_path / "big.csv", 3000)
    seen = await _decided_watched(make_app, onboard, catalog, monkeypatch)
    assert seen["app"] == before == os.getpriority(os.PRIO_PROCESS, 0)
    assert seen["children"] == [_nicer(before)]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
async def test_the_worker_forked_for_the_second_half_runs_nicer_too(
    make_app, onboard, tmp_path, monkeypatch
):
    """A catalog decided on two cores: the worker the deciding process forks runs as nice as
    that process, not at the app's priority."""
    monkeypatch.setenv("TRACKRIGHT_PARALLEL_MIN_BYTES", "1")  # two cores whatever the size
    before = os.getpriority(os.PRIO_PROCESS, 0)
    catalog = phone_catalog(tmp_path / "big.csv", 6000)
    seen = await _decided_watched(make_app, onboard, catalog, monkeypatch)
    assert seen["children"] == [_nicer(before)]
    assert seen["workers"] == [_nicer(before)]


def test_a_job_offloaded_to_a_child_runs_nicer_than_the_app():
    """Storing a policy or counting the store (`in_child`) gives way to the UI process too."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    assert in_child(lambda: os.getpriority(os.PRIO_PROCESS, 0)) == _nicer(before)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before


def test_giving_way_says_the_nice_value_it_left_the_process_at():
    """`give_way` returns the new nice value, as the system reads it back."""

    def job() -> tuple[int | None, int]:
        return give_way(), os.getpriority(os.PRIO_PROCESS, 0)

    before = os.getpriority(os.PRIO_PROCESS, 0)
    said, read = in_child(job)  # in_child already gave way once
    assert said == read == min(_nicer(before) + BACKGROUND_NICE, 19)
