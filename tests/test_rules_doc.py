"""docs/rules.md: its headings are stable anchors, and every link to one of them resolves."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules.md"

#: Where a rule may be cited from: the code, its templates, the documents and the tests.
CITING = ("survey", "templates", "docs", "tests", "README.md")

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# "docs/rules.md#quorum", "rules.md#quorum", or "(#quorum)" inside rules.md itself
_CITATION = re.compile(r"rules\.md#([\w-]+)")
_LOCAL = re.compile(r"\]\(#([\w-]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def headings(text: str) -> list[str]:
    out, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            out.append(slug(match.group(2)))
    return out


def test_slug_follows_github():
    assert slug("Quorum") == "quorum"
    assert slug("100-point frame") == "100-point-frame"
    assert slug("Write-in of a listed candidate") == "write-in-of-a-listed-candidate"
    assert slug("Summoned, present, absent") == "summoned-present-absent"


def test_every_heading_is_a_unique_anchor():
    anchors = headings(RULES.read_text(encoding="utf-8"))
    assert len(anchors) > 50
    duplicates = sorted({a for a in anchors if anchors.count(a) > 1})
    assert duplicates == []  # a repeated heading would get "-1" and break citations


def _citations() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name in CITING:
        root = ROOT / name
        files = [root] if root.is_file() else [
            p for p in root.rglob("*") if p.suffix in {".py", ".html", ".md", ".txt"}
        ]
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            anchors = set(_CITATION.findall(text))
            if path == RULES:
                anchors |= set(_LOCAL.findall(text))
            if anchors:
                found[str(path.relative_to(ROOT))] = anchors
    return found


def test_every_citation_of_a_rule_resolves():
    anchors = set(headings(RULES.read_text(encoding="utf-8")))
    citations = _citations()
    assert "docs/rules.md" in citations  # its own cross-references are checked too
    missing = {path: sorted(cited - anchors) for path, cited in citations.items()
               if cited - anchors}
    assert missing == {}


def test_rules_are_linked_from_the_readme_and_the_architecture():
    for name in ("README.md", "docs/architecture.md"):
        assert "rules.md" in (ROOT / name).read_text(encoding="utf-8"), name


_CODE = re.compile(r"^\*Code:\*(.*?)(?:\n\n|\Z)", re.M | re.S)


def _defines(path: Path, dotted: str) -> bool:
    """Whether ``path`` defines ``dotted`` (``name`` or ``Class.method``) at its top level or in
    the class named."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    *owner, name = dotted.split(".")
    scopes: list[ast.AST] = [tree]
    if owner:
        scopes = [node for node in ast.walk(tree)
                  if isinstance(node, ast.ClassDef) and node.name == owner[-1]]
    for scope in scopes:
        for node in ast.iter_child_nodes(scope):
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
                return True
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def test_every_code_pointer_names_a_file_that_defines_it():
    """Each rule's "*Code:*" line names files that exist and, in them, what it says."""
    pointers = _CODE.findall(RULES.read_text(encoding="utf-8"))
    assert len(pointers) > 30
    wrong = []
    for pointer in pointers:
        quoted = re.findall(r"`([^`]+)`", pointer)
        files = [ROOT / q for q in quoted if "/" in q]
        wrong += [f"missing {f.relative_to(ROOT)}" for f in files if not f.exists()]
        modules = [f for f in files if f.suffix == ".py" and f.exists()]
        for name in (q for q in quoted if "/" not in q):
            if modules and not any(_defines(f, name) for f in modules):
                wrong.append(f"{name} in none of {[str(f.relative_to(ROOT)) for f in modules]}")
    assert wrong == []
