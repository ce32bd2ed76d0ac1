"""The type checker's configuration (``[tool.mypy]`` in pyproject.toml) does what it says.

Strict mode for ``survey.tally`` and ``survey.kinds`` only, default mode elsewhere. mypy cannot
take ``strict = true`` per module (a per-module ``strict`` turns strict mode on for every
module), so the override lists the flags one by one; these tests read the configuration the way
mypy does and compare each module's options with those ``mypy --strict`` gives, so that a flag a
new mypy adds to ``--strict`` is not silently left out.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

mypy_main = pytest.importorskip("mypy.main")
mypy_options = pytest.importorskip("mypy.options")

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

#: The Flask-WTF forms of the kinds: FlaskForm has no types, so it may be subclassed there.
FORM_MODULES = ("survey.kinds.appraisal.forms", "survey.kinds.nomination.views")


def _options(*args: str, config: Path) -> Any:
    """mypy's options for ``args`` with ``config``, as the command line would make them."""
    _, options = mypy_main.process_options(
        ["--config-file", str(config), *args], stdout=io.StringIO(), stderr=io.StringIO()
    )
    return options


@pytest.fixture(scope="module")
def strict_flags(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The per-module options ``mypy --strict`` changes, with the values it gives them."""
    empty = tmp_path_factory.mktemp("mypy") / "mypy.ini"
    empty.write_text("[mypy]\n")
    strict = _options("--strict", "-c", "pass", config=empty)
    default = _options("-c", "pass", config=empty)
    flags = {
        name: getattr(strict, name) for name in mypy_options.PER_MODULE_OPTIONS
        if getattr(strict, name) != getattr(default, name)
    }
    assert {"disallow_untyped_defs", "warn_return_any", "implicit_reexport"} <= set(flags)
    return flags


@pytest.fixture(scope="module")
def project() -> Any:
    return _options(config=PYPROJECT)


def _effective(project: Any, module: str, flags: dict[str, object]) -> dict[str, object]:
    options = project.clone_for_module(module)
    return {name: getattr(options, name) for name in flags}


@pytest.mark.parametrize("module", [
    "survey.tally", "survey.tally.confidence", "survey.tally.appraisal_recount",
    "survey.kinds", "survey.kinds.base", "survey.kinds.nomination.ballot",
])
def test_tally_and_kinds_are_checked_strictly(
    project: Any, strict_flags: dict[str, object], module: str
) -> None:
    assert _effective(project, module, strict_flags) == strict_flags


@pytest.mark.parametrize("module", FORM_MODULES)
def test_kinds_forms_strict_but_for_subclassing_flask_form(
    project: Any, strict_flags: dict[str, object], module: str
) -> None:
    assert _effective(project, module, strict_flags) == {
        **strict_flags, "disallow_subclassing_any": False
    }


@pytest.mark.parametrize("module", ["survey", "survey.web", "survey.db", "survey.reports.cli"])
def test_other_modules_in_default_mode(
    project: Any, strict_flags: dict[str, object], module: str
) -> None:
    effective = _effective(project, module, strict_flags)
    assert effective["disallow_untyped_defs"] is False
    assert effective["disallow_subclassing_any"] is False
    assert effective["warn_return_any"] is False
    assert effective["implicit_reexport"] is True


def test_redundant_casts_and_unused_ignores_reported_everywhere(project: Any) -> None:
    assert project.warn_redundant_casts is True
    assert project.clone_for_module("survey.web").warn_unused_ignores is True
