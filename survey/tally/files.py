"""What every ballot file shares, whatever the kind of round: its format name and version, one
JSON value per line, the error a reader raises, and the quorum rule of the documents' heads.

Pure code: standard library only.
"""

from __future__ import annotations

import json
from typing import Any

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


def quorum_met(summoned: int | None, present: int | None) -> bool:
    """At least two thirds of those summoned are present, in integers (DOMAIN.md)."""
    if summoned is None or present is None:
        return False
    return summoned > 0 and 3 * present >= 2 * summoned
