"""Build step that puts the top-level ``templates/`` folder inside the built package.

The templates live beside the package in the repository (one folder per blueprint, see
``docs/architecture.md``); an editable install reads them from there. A wheel carries
``survey/`` only, so the build copies them to ``survey/templates/`` in it, where
:func:`survey.create_app` looks first. Everything else is configured in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the folder in place
            return
        if not TEMPLATES.is_dir():
            raise SystemExit(f"{TEMPLATES} is missing: the package cannot render any page")
        target = Path(self.build_lib, "survey", "templates")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(TEMPLATES, target, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))


setup(cmdclass={"build_py": BuildWithTemplates})
