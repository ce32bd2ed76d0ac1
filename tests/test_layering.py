"""Layering: ``survey.tally`` is pure (STYLE.md 1), and the package graph is a DAG: no unit
imports one above it (docs/architecture.md, "Layers"), and no module imports a private name."""

from __future__ import annotations

import ast
import re
from importlib.util import resolve_name
from pathlib import Path

import pytest

import survey.tally

TALLY_DIR = Path(survey.tally.__file__).parent
FORBIDDEN_TOP = {"flask", "sqlalchemy", "survey"}


def _imported_modules(source: str, package: str) -> list[str]:
    """Every module named by an import in ``source``, relative imports resolved in ``package``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.append(resolve_name("." * node.level + (node.module or ""), package))
            else:
                names.append(node.module)
    return names


def _allowed(name: str) -> bool:
    if name == "survey.tally" or name.startswith("survey.tally."):
        return True
    return name.split(".")[0] not in FORBIDDEN_TOP


def _package_of(path: Path) -> str:
    """The package a file's relative imports resolve in: ``survey.tally`` or a subpackage."""
    parts = path.parent.relative_to(TALLY_DIR).parts
    return ".".join(("survey", "tally", *parts))


@pytest.mark.parametrize(
    ("source", "allowed"),
    [
        ("import decimal\nfrom dataclasses import dataclass", True),
        ("from survey.tally.confidence import percent", True),
        ("from survey.tally import confidence", True),
        ("from . import confidence", True),
        ("from .confidence import band", True),
        ("import flask", False),
        ("from flask import current_app", False),
        ("import sqlalchemy.orm", False),
        ("from sqlalchemy import select", False),
        ("import survey.db", False),
        ("from survey import errors", False),
        ("from survey.rounds.models import Round", False),
        ("from .. import db", False),
        ("from ..ballots import cards", False),
        ("import survey.tallyx", False),
        ("def f():\n    import flask", False),  # nested imports count too
    ],
)
def test_import_checker(source, allowed):
    names = _imported_modules(source, "survey.tally")
    assert all(_allowed(name) for name in names) is allowed


def test_tally_is_framework_free():
    paths = sorted(TALLY_DIR.rglob("*.py"))
    assert TALLY_DIR / "confidence.py" in paths  # the glob really looks at the package
    offenders = [
        f"{path.relative_to(TALLY_DIR)}: {name}"
        for path in paths
        for name in _imported_modules(path.read_text(encoding="utf-8"), _package_of(path))
        if not _allowed(name)
    ]
    assert offenders == []


# -- the package graph ---------------------------------------------------------------------------

SURVEY_DIR = Path(survey.tally.__file__).parent.parent

#: The app's units, bottom to top (docs/architecture.md, "Layers"): a unit imports only units
#: of lower layers (and itself). Each name is a module or subpackage of ``survey``; the top
#: layer (the app) is one unit.
LAYERS: list[set[str]] = [
    {"errors", "config", "extensions", "i18n", "net", "assets", "https", "limits", "instance"},
    {"tally"},
    {"documents"},
    {"db"},
    {"security"},
    {"web", "console"},
    {"auth"},
    {"rounds"},
    {"ballots"},
    {"kinds"},
    {"paper"},
    {"reports"},
    {"desk", "voting"},
    {"procedures"},
    {"__init__", "__main__", "cli", "server", "schema", "migrations", "backup",
     "certificates"},
]
APP = LAYERS[-1]


def _unit(module: str) -> str:
    """``survey.kinds.nomination.views`` → ``kinds``; the app's modules are one unit."""
    parts = module.split(".")[1:]
    unit = parts[0] if parts else "__init__"
    return "app" if unit in APP else unit


def _layer(unit: str) -> int:
    if unit == "app":
        return len(LAYERS) - 1
    return next(index for index, units in enumerate(LAYERS) if unit in units)


def _is_module(name: str) -> bool:
    return (SURVEY_DIR / f"{name}.py").exists() or (SURVEY_DIR / name).is_dir()


def _survey_imports(source: str, package: str) -> list[str]:
    """The ``survey`` modules a source imports, anywhere in it (inside functions and
    ``TYPE_CHECKING`` blocks too); ``from survey import x`` names ``survey.x``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = (resolve_name("." * node.level + (node.module or ""), package)
                      if node.level else node.module or "")
            if module == "survey":  # a module of the package, or a name of its __init__
                names.extend(f"survey.{alias.name}" if _is_module(alias.name) else "survey"
                             for alias in node.names)
            elif module.startswith("survey."):
                names.append(module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names if a.name.startswith("survey."))
    return names


def _upward(source: str, module: str) -> list[str]:
    package = module if module.endswith("__init__") else module.rpartition(".")[0]
    package = package.removesuffix(".__init__")
    here = _unit(module)
    return [name for name in _survey_imports(source, package)
            if _unit(name) != here and _layer(_unit(name)) >= _layer(here)]


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SURVEY_DIR.rglob("*.py")):
        parts = path.relative_to(SURVEY_DIR.parent).with_suffix("").parts
        out.append((".".join(parts), path))
    return out


@pytest.mark.parametrize(
    ("module", "source", "upward"),
    [
        ("survey.kinds.confidence", "from survey.rounds.models import Round", []),
        ("survey.rounds.models", "from survey.kinds import KINDS", ["survey.kinds"]),
        ("survey.ballots.operations", "def f():\n    from survey.paper import slots",
         ["survey.paper"]),
        ("survey.ballots.operations",
         "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from survey.kinds import x",
         ["survey.kinds"]),
        ("survey.desk.rounds", "from survey import voting", ["survey.voting"]),
        ("survey.desk.rounds", "from survey.kinds.base import Kind", []),
        ("survey.kinds.nomination.views", "from .. import base", []),
        ("survey.kinds.nomination.views", "from ...reports import views", ["survey.reports"]),
        ("survey.cli", "from survey import create_app", []),
        ("survey.web", "from survey.auth.models import User", ["survey.auth.models"]),
    ],
)
def test_layer_checker(module, source, upward):
    assert _upward(source, module) == upward


def test_every_unit_has_a_layer():
    units = {_unit(module) for module, _path in _modules()}
    assert {"kinds", "documents", "desk", "voting", "tally"} <= units
    for unit in units:
        _layer(unit)  # raises StopIteration for a unit missing from LAYERS


def test_the_package_graph_has_no_upward_import():
    offenders = [
        f"{module}: {name}"
        for module, path in _modules()
        for name in _upward(path.read_text(encoding="utf-8"), module)
    ]
    assert offenders == []


def _private_imports(source: str) -> list[str]:
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("survey")
        for alias in node.names
        # ``_`` and ``_l`` are gettext's names, public by convention (survey.i18n.__all__)
        if alias.name.startswith("_") and alias.name not in {"_", "_l"}
    ]


def test_no_private_name_is_imported_across_modules():
    assert _private_imports("from survey.reports.pdf import _Document, minutes_pdf") == [
        "survey.reports.pdf._Document"]
    offenders = [
        f"{module}: {name}"
        for module, path in _modules()
        for name in _private_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


#: The most lines a module of the package may have, and a view function.
MODULE_LINES = 400
VIEW_LINES = 25


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(SURVEY_DIR.parent)): n for _module, path in _modules()
            if "migrations" not in path.parts
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES}
    assert long == {}


def _views(source: str) -> list[tuple[str, int]]:
    """``(name, lines)`` of every function of ``source`` routed by a blueprint decorator."""
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in {"route", "get", "post"} for d in node.decorator_list)
        and node.end_lineno is not None
    ]


def test_no_view_is_over_25_lines():
    # from "def" to its last line
    assert _views('@bp.get("/")\ndef index():\n    return 1\n') == [("index", 2)]
    long = [f"{module}.{name}: {n}" for module, path in _modules()
            for name, n in _views(path.read_text(encoding="utf-8")) if n > VIEW_LINES]
    assert long == []


#: What asks which kind a round is: a comparison of a ``kind`` with a kind's name.
_KIND_BRANCH = re.compile(
    r"""\bkind\s*(==|!=)\s*["'](confidence|no_confidence|appraisal|nomination|approval"""
    r"""|collective_vote)["']"""
    r"""|\bkind\s+(not\s+)?in\s*[({\[]|RoundKind\.""")


def test_only_the_kinds_ask_which_kind_a_round_is():
    """Outside survey/kinds, only the pure recount's decoder of ballot files branches on a
    kind's name (it reads the file's own "kind" field, below the registry's layer)."""
    assert _KIND_BRANCH.search('if round_.kind == "appraisal":')
    assert _KIND_BRANCH.search("if round_.kind in (a, b):")
    assert not _KIND_BRANCH.search('if self.body_kind == BodyKind.party:')
    branches = [f"{path.relative_to(SURVEY_DIR.parent)}:{number}"
                for _module, path in _modules() if "kinds" not in path.parts
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if _KIND_BRANCH.search(line)]
    assert len(branches) <= 5, branches
    assert all(b.startswith("survey/tally/") for b in branches), branches
    templates = [str(p) for p in SURVEY_DIR.parent.joinpath("templates").rglob("*.html")
                 if _KIND_BRANCH.search(p.read_text(encoding="utf-8"))]
    assert templates == []
