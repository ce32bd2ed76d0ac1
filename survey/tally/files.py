"""What every ballot file shares, whatever the kind of round: its format name and version, one
JSON value per line, the error a reader raises, and the quorum rule of the documents' heads.

Pure code: standard library only.
"""

from __future__ import annotations

import json
from typing import Any, Literal, overload

FORMAT = "survey-ballots"
VERSION = 1


class RecountError(ValueError):
    """The file is not a ballot file this code can count.

    ``code`` names the problem for a translated message; ``params`` fill it in; ``str()`` is a
    plain English description.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def json_line(value: Any) -> bytes:
    """One line of a ballot file: compact JSON, UTF-8, ending in a newline."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@overload
def header_count(value: Any, name: str, *, optional: Literal[False] = False) -> int: ...


@overload
def header_count(value: Any, name: str, *, optional: bool) -> int | None: ...


def header_count(value: Any, name: str, *, optional: bool = False) -> int | None:
    """A count in the header: a non-negative integer (``None`` too when ``optional``).

    :raises RecountError: otherwise.
    """
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecountError("bad_header", f"header field {name!r} is not a count", field=name)
    return value


def read_file(data: bytes) -> tuple[dict[str, Any], list[str]]:
    """The header of a ballot file of this format and version, and its other lines (unread).

    :raises RecountError: if the bytes are not UTF-8, empty, or do not start with the header.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecountError("not_utf8", "the file is not UTF-8 text") from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise RecountError("empty", "the file is empty")
    try:
        header = json.loads(lines[0])
    except ValueError as exc:
        raise RecountError("bad_line", "line 1 is not JSON", line=1) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RecountError("not_ballot_file", "this is not a ballot file of survey")
    version = header.get("version")
    if type(version) is not int or version != VERSION:  # not True, not 1.0
        raise RecountError(
            "bad_version", "unknown ballot file version", version=header.get("version")
        )
    return header, lines[1:]


def quorum_met(summoned: int | None, present: int | None) -> bool:
    """At least two thirds of those summoned are present, in integers (docs/rules.md#quorum)."""
    if summoned is None or present is None:
        return False
    return summoned > 0 and 3 * present >= 2 * summoned
