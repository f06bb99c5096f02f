"""The checked-rulebook cache: a clean load is kept and recalled; any change to a file, a broken
folder, a damaged entry or the switch turned off means loading from the files again."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
from advisor_helpers import ROOT

from advisor.errors import RulebookError
from advisor.rulebook import cache
from advisor.rulebook.load import load_rulebook


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache"
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(home))
    monkeypatch.delenv("TRACKRIGHT_NO_RULEBOOK_CACHE", raising=False)
    return home / "trackright" / "rulebooks"


def entries(folder):
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def test_a_clean_load_is_kept_and_the_next_load_is_the_kept_one(
    rules_copy, cache_home, monkeypatch
):
    first = load_rulebook(rules_copy.root)
    kept = entries(cache_home)
    assert len(kept) == 1
    assert cache_home.stat().st_mode & 0o077 == 0  # private to the user

    def no_files(root):
        raise AssertionError("read from the files although a checked copy was kept")

    monkeypatch.setattr("advisor.rulebook.load._load_files", no_files)
    again = load_rulebook(rules_copy.root)
    assert (again.version, again.label, again.files) == (first.version, first.label, first.files)
    assert again.policy == first.policy


def test_an_edited_file_is_read_again(rules_copy, cache_home):
    before = load_rulebook(rules_copy.root)
    rules_copy.append("classification.yaml", "# a comment changes the bytes\n")
    after = load_rulebook(rules_copy.root)
    assert after.version != before.version
    assert len(entries(cache_home)) == 2


def test_a_broken_folder_is_never_kept_and_always_reported(rules_copy, cache_home):
    rules_copy.edit("policy.yaml", "hit_policy: priority", "hit_policy: sometimes")
    for _ in range(2):
        with pytest.raises(RulebookError):
            load_rulebook(rules_copy.root)
    assert entries(cache_home) == []


def test_a_damaged_entry_means_loading_from_the_files(rules_copy, cache_home):
    first = load_rulebook(rules_copy.root)
    (entry,) = entries(cache_home)
    entry.write_bytes(b"not a pickle")
    again = load_rulebook(rules_copy.root)
    assert again.version == first.version
    assert pickle.loads(entry.read_bytes()).version == first.version  # written afresh


def test_the_switch_turns_it_off(rules_copy, cache_home, monkeypatch):
    monkeypatch.setenv("TRACKRIGHT_NO_RULEBOOK_CACHE", "1")
    load_rulebook(rules_copy.root)
    assert entries(cache_home) == []


def test_only_the_newest_entries_stay(rules_copy, cache_home):
    cache_home.mkdir(parents=True)
    for n in range(cache.KEEP + 3):  # older entries, as earlier edits left them
        old = cache_home / f"{n:040d}.pickle"
        old.write_bytes(b"old")
        os.utime(old, ns=(n * 10**9, n * 10**9))
    load_rulebook(rules_copy.root)
    kept = entries(cache_home)
    assert len(kept) == cache.KEEP
    assert cache_home / f"{cache.KEEP + 2:040d}.pickle" in kept  # the newest old one stays
    assert cache_home / f"{0:040d}.pickle" not in kept


def test_a_fresh_process_decides_alike_with_and_without_the_kept_copy(tmp_path):
    """The CLI's answer from a recalled rulebook is the answer from the files."""
    catalog = ROOT / "sample_catalogs" / "messy_catalog.csv"
    outs = []
    for env in ({"TRACKRIGHT_NO_RULEBOOK_CACHE": "1"}, {}, {}):  # files, then kept, recalled
        out = tmp_path / f"out{len(outs)}.csv"
        run_env = {"TRACKRIGHT_CACHE": str(tmp_path / "c"), "PYTHONPATH": str(ROOT), **env}
        done = subprocess.run(
            [sys.executable, "-m", "advisor.cli.main", "evaluate", str(catalog), "-o", str(out)],
            env={**_base_env(), **run_env},
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 1), done.stderr
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] == outs[2]
    assert entries(tmp_path / "c" / "trackright" / "rulebooks")


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "TRACKRIGHT_NO_RULEBOOK_CACHE"}


def test_the_word_automaton_is_kept_beside_the_rulebook_and_read_back(rules_copy, cache_home):
    from advisor.advice.classify import classifier

    first = classifier.prepare(load_rulebook(rules_copy.root))
    assert len(list(cache_home.glob("*.lexicon"))) == 1

    def no_build(book):
        raise AssertionError("built again although a compiled copy was kept")

    book = load_rulebook(rules_copy.root)
    again = book.compiled_once("lexicon", no_build, code=_lexicon_code())
    assert again is not first and again.entries == first.entries
    text = " samsung galaxy s24 5g smartphone with usb cable "
    assert sorted(again.iter(text)) == sorted(first.iter(text))
    assert book.compiled_once("lexicon", no_build) is again  # once per rulebook after that


def test_a_rulebook_changed_in_code_never_reads_a_kept_automaton(rules_copy, cache_home):
    from dataclasses import replace

    from advisor.advice.classify import classifier

    classifier.prepare(load_rulebook(rules_copy.root))
    changed = replace(load_rulebook(rules_copy.root), version="same-but-changed")
    assert changed.kept_as == ""
    built = []
    changed.compiled_once("lexicon", lambda b: built.append(b) or "fresh", code=_lexicon_code())
    assert built == [changed]


def test_changed_code_compiles_again(rules_copy, cache_home, tmp_path):
    code = tmp_path / "compiler.py"
    code.write_text("# version 1\n")
    built = []

    def build(book):
        built.append(code.read_text())
        return code.read_text()

    assert (
        load_rulebook(rules_copy.root).compiled_once("x", build, code=(str(code),))
        == "# version 1\n"
    )
    assert (
        load_rulebook(rules_copy.root).compiled_once("x", build, code=(str(code),))
        == "# version 1\n"
    )
    code.write_text("# version 2, longer\n")
    assert load_rulebook(rules_copy.root).compiled_once("x", build, code=(str(code),)) == (
        "# version 2, longer\n"
    )
    assert built == ["# version 1\n", "# version 2, longer\n"]


def _lexicon_code():
    import ahocorasick

    from advisor.advice.classify import lexicon

    return (lexicon.__file__, ahocorasick.__file__)


def test_a_folder_others_can_write_is_never_read_from(rules_copy, cache_home, monkeypatch):
    """Unpickling runs code: an entry in a folder (or a file) that other users can write is
    ignored, and the rulebook is read from its files."""
    load_rulebook(rules_copy.root)
    read = []
    real = load_rulebook.__globals__["_load_files"]
    monkeypatch.setattr(
        "advisor.rulebook.load._load_files", lambda root: read.append(root) or real(root)
    )
    cache_home.chmod(0o777)
    load_rulebook(rules_copy.root)
    assert read == [rules_copy.root]
    cache_home.chmod(0o700)
    for entry in entries(cache_home):
        entry.chmod(0o666)
    load_rulebook(rules_copy.root)
    assert len(read) == 2
