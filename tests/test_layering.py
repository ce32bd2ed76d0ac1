"""Layering: ``survey.tally`` is pure (STYLE.md 1): no flask, sqlalchemy or other survey.*."""

from __future__ import annotations

import ast
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
