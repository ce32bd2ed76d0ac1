"""The documents name files of the repository that exist: a moved module leaves no stale path."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A path of the package or of its templates, as the docs, templates and docstrings cite them.
PATH = re.compile(
    r"(?<![\w/.])((?:survey|templates|docs|scripts|bench)/[\w/.-]+\.(?:py|html|md|txt))")


def cited_paths() -> dict[str, set[str]]:
    sources = [ROOT / "README.md", *ROOT.joinpath("docs").rglob("*.md"),
               *ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("survey").rglob("*.py")]
    return {str(source.relative_to(ROOT)): set(PATH.findall(source.read_text(encoding="utf-8")))
            for source in sources}


def test_every_cited_path_exists():
    cited = cited_paths()
    assert sum(map(len, cited.values())) > 50
    missing = {source: sorted(p for p in paths if not (ROOT / p).exists())
               for source, paths in cited.items()}
    assert {source: paths for source, paths in missing.items() if paths} == {}
