"""The suite's own layout: no module under tests/ imports a test module.

Shared helpers live in ``tests/factories.py`` (plain functions and constants) and in the
``conftest.py`` files (fixtures); ``tests/liveserver.py`` is a support module. A test module that
imports another one runs the other's import-time code, hides where a fixture comes from and
breaks when the other is moved, so every import is checked, the ones inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def _is_test_module(name: str) -> bool:
    """Whether the dotted ``name`` is, or is inside, a ``test_*`` module of the suite."""
    parts = name.split(".")
    if parts[0].startswith("test_"):  # a bare name, on a path that holds tests/ itself
        return True
    return parts[0] == "tests" and any(part.startswith("test_") for part in parts[1:])


def _is_package(name: str) -> bool:
    return (ROOT.joinpath(*name.split(".")) / "__init__.py").is_file()


def _dynamic_import(node: ast.Call) -> str | None:
    """The module of ``importlib.import_module("…")`` or ``__import__("…")``, when literal."""
    func = node.func
    named = (isinstance(func, ast.Name) and func.id in {"__import__", "import_module"}) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module")
    if named and node.args and isinstance(node.args[0], ast.Constant):
        value = node.args[0].value
        return value if isinstance(value, str) else None
    return None


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """``(line, module)`` for every module ``source`` imports, anywhere in the file.

    ``package`` resolves relative imports. ``from P import name`` also yields ``P.name`` when
    ``P`` is a package, since ``name`` may then be a module.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            if _is_package(module):
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and (name := _dynamic_import(node)):
            found.append((node.lineno, name))
    return found


def offending_imports(path: Path) -> list[str]:
    """Where the file at ``path`` imports a test module: ``"file:line module"``."""
    package = ".".join(path.relative_to(ROOT).parent.parts)
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for line, name in imported_modules(path.read_text(encoding="utf-8"), package)
        if _is_test_module(name)
    ]


@pytest.mark.parametrize(
    ("source", "package", "offending"),
    [
        ("from tests.test_ballots import vote", "tests", ["tests.test_ballots"]),
        ("import tests.test_cli", "tests", ["tests.test_cli"]),
        ("import tests.test_cli as cli", "tests", ["tests.test_cli"]),
        ("from tests import test_cli", "tests", ["tests.test_cli"]),
        ("from tests.browser import test_paper_entry", "tests",
         ["tests.browser.test_paper_entry"]),
        ("from tests.browser.test_paper_entry import focused", "tests.browser",
         ["tests.browser.test_paper_entry"]),
        ("from .test_paper_entry import focused", "tests.browser",
         ["tests.browser.test_paper_entry"]),
        ("from . import test_voter", "tests.browser", ["tests.browser.test_voter"]),
        ("from ..test_nomination import SHEET", "tests.browser", ["tests.test_nomination"]),
        ("from .test_recount import x", "tests.tally", ["tests.tally.test_recount"]),
        ("import test_cli", "tests", ["test_cli"]),
        # inside a function, a method, a branch, a handler
        ("def f():\n    from tests.test_a11y_pages import assert_accessible_basics\n", "tests",
         ["tests.test_a11y_pages"]),
        ("class C:\n    def m(self):\n        import tests.test_rounds\n", "tests",
         ["tests.test_rounds"]),
        ("if True:\n    from tests.test_cli import run\n", "tests", ["tests.test_cli"]),
        ("try:\n    pass\nexcept ImportError:\n    from tests.test_cli import run\n", "tests",
         ["tests.test_cli"]),
        ("import importlib\nm = importlib.import_module('tests.test_reports')", "tests",
         ["tests.test_reports"]),
        ("from importlib import import_module\nimport_module('tests.test_reports')", "tests",
         ["tests.test_reports"]),
        ("m = __import__('tests.test_cli')", "tests", ["tests.test_cli"]),
        # what a test module may import
        ("from tests.factories import SHEET, vote", "tests", []),
        ("from tests.conftest import NOW", "tests", []),
        ("from tests.browser.conftest import sign_in", "tests.browser", []),
        ("from tests.liveserver import LiveServer", "tests", []),
        ("from tests import factories", "tests", []),
        ("from .conftest import sign_in", "tests.browser", []),
        ("from tests.factories import test_data", "tests", []),  # a name, not a module
        ("import pytest\nfrom survey.tally.recount import decode", "tests", []),
        ("from survey.tally import recount", "tests.tally", []),
        ("importlib.import_module(name)", "tests", []),
    ],
)
def test_the_check_finds_every_import_of_a_test_module(source, package, offending):
    found = [name for _line, name in imported_modules(source, package) if _is_test_module(name)]
    assert found == offending


def test_the_check_gives_the_line():
    source = "import os\n\n\ndef f():\n    from tests.test_cli import run\n"
    assert [(line, name) for line, name in imported_modules(source, "tests")
            if _is_test_module(name)] == [(5, "tests.test_cli")]


def test_no_module_of_the_suite_imports_a_test_module():
    paths = sorted(TESTS.rglob("*.py"))
    names = {path.relative_to(TESTS).as_posix() for path in paths}
    # the check reaches every folder of the suite, and the support modules too
    assert {"test_suite_layout.py", "tally/test_recount.py", "browser/test_voter.py",
            "conftest.py", "browser/conftest.py", "factories.py", "liveserver.py"} <= names
    offending = [line for path in paths for line in offending_imports(path)]
    assert offending == [], (
        "move shared helpers to tests/factories.py and fixtures to a conftest.py:\n"
        + "\n".join(offending))
