"""`rules check`: every file the app and the CLI read from a rules folder, checked in one run.

The rulebook itself (`load_rulebook`), its rule tests (`tests/*.yaml`), the onboarding
questions (`onboarding.yaml`), optionally a brand profile, and whether the JSON Schemas the
files point at still describe the rulebook. Problems make the folder unusable (exit 1);
warnings do not (a stale schema only misleads the editor).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from advisor.errors import Problem, TrackrightError
from advisor.rulebook.model import Rulebook


@dataclass
class FolderReport:
    """What `check_folder` found: the rulebook (when it loaded), problems, warnings, what it read."""

    root: Path
    book: Rulebook | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_folder(root: Path, profile: Path | None = None) -> FolderReport:
    """Check everything under `root` (and `profile`); never raises for a broken file."""
    from advisor.rulebook.load import load_rulebook

    report = FolderReport(root)
    try:
        report.book = load_rulebook(root)
        report.checked.append("rulebook")
    except TrackrightError as err:
        report.problems.extend(getattr(err, "problems", ()) or [Problem(str(root), 1, str(err))])
    book = report.book
    _onboarding(root, book, report)
    _tests(root, book, report)
    if profile is not None:
        _profile(profile, book, report)
    if book is not None:
        from advisor.authoring.schemas import stale_warnings

        report.warnings.extend(stale_warnings(book, root))
    report.problems.sort(key=lambda p: (p.file, p.line, p.column))
    return report


def _onboarding(root: Path, book: Rulebook | None, report: FolderReport) -> None:
    from advisor.advice.onboarding import OnboardingError, load_onboarding

    path = root / "onboarding.yaml"
    if not path.is_file():
        return
    verticals = [(v.id, v.label) for v in book.classification.verticals.values()] if book else None
    try:
        load_onboarding(path, verticals=verticals)
        report.checked.append("onboarding.yaml")
    except OnboardingError as err:
        report.problems.extend(
            err.problems or [Problem(err.file or str(path), err.line or 1, str(err))]
        )


def _tests(root: Path, book: Rulebook | None, report: FolderReport) -> None:
    from advisor.authoring.ruletests import RuleTestError, find_test_files, load_tests

    folder = root / "tests"
    if not folder.is_dir() or not find_test_files([folder]):
        return
    if book is None:
        report.warnings.append(
            Problem(str(folder), 1, "rule tests not checked: the rulebook has problems (above)")
        )
        return
    try:
        files = load_tests([folder], book)
        report.checked.append(f"{sum(len(f.cases) for f in files)} rule tests")
    except RuleTestError as err:
        report.problems.extend(err.problems)


def _profile(path: Path, book: Rulebook | None, report: FolderReport) -> None:
    from advisor.advice.profile import check_profile, read_profile

    doc, problems = read_profile(path)
    if not problems:
        verticals = tuple(book.classification.verticals) if book else ()
        regs = book.regulations if book else ()
        problems, warnings = check_profile(doc, str(path), verticals, regs)
        report.warnings.extend(warnings)
    report.problems.extend(problems)
    if not problems:
        report.checked.append(f"profile {path}")


__all__ = ["FolderReport", "check_folder"]
