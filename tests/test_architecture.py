"""The house rules of the code base, enforced: import contracts, packages, module sizes and headers."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONTRACTS = [c["id"] for c in CONFIG["tool"]["importlinter"]["contracts"]]
KNOWN_BROKEN: dict[str, str] = {}


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract_is_kept(contract: str) -> None:
    """Each import contract in pyproject.toml holds for the code as it is (lint-imports)."""
    if contract in KNOWN_BROKEN:
        pytest.xfail(KNOWN_BROKEN[contract])
    lint = pathlib.Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--contract", contract, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _packages_on_disk() -> set[str]:
    found = set()
    for top in ("advisor", "tracker"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    return found


def test_every_package_is_installed() -> None:
    """pyproject.toml lists every package under advisor/ and tracker/, so `pip install .` ships all."""
    listed = {
        p for p in CONFIG["tool"]["setuptools"]["packages"] if not p.startswith("trackright_")
    }
    assert listed == _packages_on_disk()


def _modules() -> list[pathlib.Path]:
    return sorted(p for top in ("advisor", "tracker") for p in (ROOT / top).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_opens_with_a_sentence(path: pathlib.Path) -> None:
    """Every module opens with a docstring saying what it holds."""
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc and doc.strip(), f"{path.relative_to(ROOT)} has no module docstring"


# Import name → distribution name, where they differ.
_DISTRIBUTION = {
    "yaml": "pyyaml",
    "durable": "durable-rules",
    "durable_rules_engine": "durable-rules",  # the C extension inside the same wheel
    "PIL": "pillow",
    "ahocorasick": "pyahocorasick",
    "zint": "zint-bindings",
    "psycopg": "psycopg",
}


def _declared_dependencies() -> set[str]:
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = set()
    for spec in project["dependencies"]:
        names.add(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_every_third_party_import_is_a_declared_dependency() -> None:
    """A clean `pip install .` must have every library the code imports (filelock once slipped by:
    installed here by chance, missing on CI)."""
    import ast
    import sys

    declared = _declared_dependencies()
    missing: dict[str, str] = {}
    for path in sorted([*(ROOT / "advisor").rglob("*.py"), *(ROOT / "tracker").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top in sys.stdlib_module_names or top in {
                    "advisor",
                    "tracker",
                    "trackright_rules",
                }:
                    continue
                dist = _DISTRIBUTION.get(top, top).lower().replace("_", "-")
                if dist not in declared:
                    missing.setdefault(dist, str(path.relative_to(ROOT)))
    assert not missing, f"imported but not in pyproject dependencies: {missing}"


# Packages split out of one module: the package states the curated API its callers import.
CURATED = ["advisor.advice.classify", "advisor.advice.costs", "advisor.rulebook.files"]


def _defined_at_top(path: pathlib.Path) -> set[str]:
    """Names a module defines itself (classes, functions, assignments), not those it imports."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("package", CURATED)
def test_package_all_is_sorted_and_drawn_from_its_modules(package: str) -> None:
    """A package's __all__ is sorted, every name exists, and each is defined in the package or
    public in one of its modules (their own __all__, also sorted): an API, never a private helper."""
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    assert pkg.__all__ == sorted(pkg.__all__)
    public = _defined_at_top(pathlib.Path(pkg.__file__))
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        assert module.__all__ == sorted(module.__all__), module.__name__
        assert all(hasattr(module, name) for name in module.__all__), module.__name__
        public |= set(module.__all__)
    assert all(hasattr(pkg, name) for name in pkg.__all__)
    assert set(pkg.__all__) <= public
