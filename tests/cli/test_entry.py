"""The `trackright` process (`advisor.cli.entry`): its quick end keeps output, codes and files whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(**more: str) -> dict[str, str]:
    """This environment with output buffered as a user's is (no PYTHONUNBUFFERED)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return dict(env, PYTHONPATH=str(ROOT), **more)


def _trackright(
    tmp_path: Path, *args: str, env_more: dict[str, str] | None = None, **kw
) -> subprocess.CompletedProcess:
    env = _env(TRACKRIGHT_STORE=str(tmp_path / "store.json"), **(env_more or {}))
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli.entry", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        env=env,
        timeout=60,
        **kw,
    )


@pytest.fixture
def store(tmp_path):
    """A store with a serial policy and 300 received units (its trace output runs long)."""
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps([{"sku": "PHONE", "method": "serial", "rule": "r"}]))
    assert _trackright(tmp_path, "track", "policy", "import", str(decisions)).returncode == 0
    serials = tmp_path / "serials.txt"
    serials.write_text("".join(f"P{i:04d}\n" for i in range(300)))
    got = _trackright(tmp_path, "track", "receive", "PHONE", "--serials-file", str(serials))
    assert got.returncode == 0, got.stderr
    return tmp_path


def test_every_line_of_a_long_answer_reaches_a_pipe(store):
    """Output still in the buffer when the command ends is written before the process ends."""
    got = _trackright(store, "track", "receive", "PHONE", "--serial", "NEW-1")
    assert got.returncode == 0 and got.stdout.splitlines() == [
        "Received 1 x PHONE into WH1 by serial",
        "  NEW-1",
    ]
    exported = _trackright(store, "track", "export", "epcis")
    assert exported.returncode == 0 and len(exported.stdout) > 8192  # more than one buffer
    document = json.loads(exported.stdout)
    assert "P0299" in json.dumps(document)
    written = store / "epcis.json"
    assert _trackright(store, "track", "export", "epcis", "-o", str(written)).returncode == 0
    on_disk = json.loads(written.read_text())
    assert on_disk["epcisBody"] == document["epcisBody"]
    listed = _trackright(store, "track", "stats")
    assert listed.returncode == 0 and listed.stdout.rstrip().endswith("Suspects: none")


def test_exit_codes_and_messages_are_the_commands_own(store):
    """Refused is 1 and unusable input 2, each with its one message on stderr; help is 0."""
    refused = _trackright(store, "track", "trace", "NOPE")
    assert refused.returncode == 1 and refused.stderr == "Error: unit NOPE is not in the store\n"
    unusable = _trackright(store, "track", "receive", "PHONE", "--nope")
    assert unusable.returncode == 2 and "No such option" in unusable.stderr
    helped = _trackright(store, "--help")
    assert helped.returncode == 0 and "track" in helped.stdout
    version = _trackright(store, "--version")
    assert version.returncode == 0 and "trackright, version" in version.stdout


def test_what_a_command_wrote_is_on_disk_and_in_the_store(store):
    """A report file and the store's own files are complete after the quick end: the next
    process reads back every unit and the recall report holds its rows."""
    decisions = store / "tea.json"
    decisions.write_text(json.dumps([{"sku": "TEA", "method": "batch", "capture": ["lot"]}]))
    assert _trackright(store, "track", "policy", "import", str(decisions)).returncode == 0
    got = _trackright(store, "track", "receive", "TEA", "--lot", "T1", "--qty", "4")
    assert got.returncode == 0, got.stderr
    report = store / "recall.csv"
    recalled = _trackright(store, "track", "recall", "--lot", "TEA:T1", "--report", str(report))
    assert recalled.returncode == 0, recalled.stderr
    assert "TEA" in report.read_text() and report.read_text().endswith("\n")
    stats = _trackright(store, "track", "stats")
    assert "Store: 300 units" in stats.stdout


def test_the_collector_still_collects_after_start_up():
    """Start-up leaves the cyclic collector on (only less eager), so cycles a long command makes
    are still freed; and a thread still running is waited for, as Python always does."""
    code = (
        "import gc, sys, threading, time\n"
        "sys.argv = ['trackright', '--help']\n"
        "import advisor.cli.entry as e\n"
        "def after():\n"
        "    assert gc.isenabled() and gc.get_threshold()[0] == e.YOUNG\n"
        "    threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "import advisor.cli.main as m\n"
        "run = m.main\n"
        "m.main = lambda argv=None: (after(), run(argv))\n"
        "e.main()\n"
    )
    env = _env()
    got = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert got.returncode == 0, got.stderr
    assert got.stdout.rstrip().endswith("thread done")


@pytest.mark.parametrize(
    "code, status, stderr",
    [(0, 0, ""), (3, 3, ""), (None, 0, ""), ("Error: a message", 1, "Error: a message\n")],
)
def test_the_end_flushes_what_is_buffered_and_keeps_the_code(code, status, stderr):
    """`end` writes out output nobody flushed yet and exits with the code as `sys.exit` would."""
    program = (
        "import sys\n"
        "from advisor.cli.entry import end\n"
        "for _ in range(10_000):\n"
        "    sys.stdout.write('x' * 10)\n"
        f"end({code!r})\n"
    )
    env = _env()
    got = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60
    )
    assert (got.returncode, got.stdout, got.stderr) == (status, "x" * 100_000, stderr)


#: What a scan never needs: a table library, the TinyDB package (the store reads its own files),
#: the rulebook's YAML and engine, GS1 parsing (for a plain serial), version look-ups, archives.
NEVER_ON_A_SCAN = {
    "rich",
    "textual",
    "tinydb",
    "yaml",
    "biip",
    "durable_rules_engine",
    "importlib.metadata",
    "shutil",
}


def _imported(tmp_path: Path, *args: str) -> set[str]:
    """Modules the command imports beyond what this Python imports to run nothing at all (an
    editable install's finder, a site hook: not the command's doing)."""
    return _importtime(tmp_path, "-m", "advisor.cli.entry", *args) - _importtime(
        tmp_path, "-c", "pass"
    )


def _importtime(tmp_path: Path, *args: str) -> set[str]:
    got = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(
            TRACKRIGHT_STORE=str(tmp_path / "store.json"), TRACKRIGHT_CACHE=str(tmp_path / "cache")
        ),
        timeout=60,
    )
    assert got.returncode == 0, got.stderr
    lines = [line for line in got.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}


def test_a_scan_imports_only_what_it_needs(store):
    """receive, ship, return (verdict remembered), trace and stats load none of NEVER_ON_A_SCAN."""
    env = {"TRACKRIGHT_CACHE": str(store / "cache")}
    for i in (1, 2):  # ship and return two units: the second return's verdict is remembered
        assert _trackright(store, "track", "ship", f"SO-{i}", "--scan", f"P{i:04d}").returncode == 0
    first = _trackright(store, "track", "return", "SO-1", "P0001", "--reason", "fit", env_more=env)
    assert first.returncode == 0, first.stderr
    scans = [
        ("track", "receive", "PHONE", "--serial", "NEW-2"),
        ("track", "ship", "SO-3", "--scan", "P0003"),
        ("track", "return", "SO-2", "P0002", "--reason", "fit"),
        ("track", "trace", "P0003"),
        ("track", "stats"),
    ]
    for args in scans:
        loaded = _imported(store, *args)
        assert "click" in loaded and "tracker.store.tinydb_store" in loaded, args
        assert not {m.split(".")[0] for m in loaded} & NEVER_ON_A_SCAN, args
        assert not loaded & NEVER_ON_A_SCAN, args
