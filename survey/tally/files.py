"""What every ballot file shares, whatever the kind of round: its format name and versions, one
JSON value per line, the error a reader raises, the header's counts and where the ballots came
from, records in their one order, the recount's ``round`` object, and the quorum rule of the
documents' heads.

Pure code: standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

FORMAT = "survey-ballots"
#: The version the app writes: one record per ballot line, in a fixed order, and what is
#: decided about a whole ballot as a count (docs/formats.md, "Ballot file").
VERSION = 2
#: Version 1 wrote whole ballots (one line per ballot; an appraisal line with its level and
#: scores together). Its files are still read, so that a fingerprint printed in earlier minutes
#: can be checked and recounted; the app never writes one again.
WHOLE_BALLOTS = 1


class RecountError(ValueError):
    """The file is not a ballot file this code can count.

    ``code`` names the problem for a translated message; ``params`` fill it in; ``str()`` is a
    plain English description.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class BallotSources:
    """How many ballots collected came from phones and from paper (see docs/paper-ballots.md).

    Counts only: no stored ballot says where it came from.
    """

    phone: int
    paper: int = 0
    #: Paper ballots counted as wholly invalid (they are among ``paper``).
    paper_invalid: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"phone": self.phone, "paper": self.paper, "paper_invalid": self.paper_invalid}


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


def header_counts(header: Mapping[str, Any]) -> dict[str, int | None]:
    """The counts every ballot file's header holds (``summoned`` and ``present`` may be
    ``null``).

    :raises RecountError: naming the first that is not a count.
    """
    return {
        "min_ballots": header_count(header.get("min_ballots"), "min_ballots"),
        "issued": header_count(header.get("issued"), "issued"),
        "collected": header_count(header.get("collected"), "collected"),
        "summoned": header_count(header.get("summoned"), "summoned", optional=True),
        "present": header_count(header.get("present"), "present", optional=True),
    }


def read_sources(value: Any, collected: int) -> BallotSources | None:
    """The optional ``sources`` header field, checked against the ballots collected."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"phone", "paper", "paper_invalid"}:
        raise RecountError("bad_header", "header field 'sources' is wrong", field="sources")
    phone, paper, invalid = (
        header_count(value[key], "sources") for key in ("phone", "paper", "paper_invalid")
    )
    assert phone is not None and paper is not None and invalid is not None
    if phone + paper != collected or invalid > paper:
        raise RecountError("bad_header", "header field 'sources' is wrong", field="sources")
    return BallotSources(phone, paper, invalid)


def whole_ballots(data: bytes) -> bool:
    """Whether the first line of ``data`` is the header of a version 1 file (whole ballots),
    so that its reader is chosen; any other file goes to the reader of :data:`VERSION`,
    which says what is wrong with it if anything is."""
    try:
        header = json.loads(data.split(b"\n", 1)[0].decode("utf-8"))
    except ValueError:
        return False
    if not isinstance(header, dict):
        return False
    version = header.get("version")
    return type(version) is int and version == WHOLE_BALLOTS


def read_file(data: bytes, version: int = VERSION) -> tuple[dict[str, Any], list[str]]:
    """The header of a ballot file of this format and ``version``, and its other lines
    (unread).

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
    found = header.get("version")
    if type(found) is not int or found != version:  # not True, not 2.0
        raise RecountError("bad_version", "unknown ballot file version", version=found)
    return header, lines[1:]


def read_records(lines: Sequence[str], expected: int,
                 key: Callable[[Any], tuple[Any, ...] | None]) -> list[tuple[Any, int]]:
    """The records after the header, each checked by ``key`` and in ascending order of it, as
    runs: ``(record, how many times it comes in a row)``.

    ``key`` gives a record's place in the one order records are written in, or ``None`` for a
    value that is not a record of this file. Because that order depends on nothing but what
    the records say, the file's bytes are the same whatever order the ballots were cast or
    stored in, and a file in any other order (which could carry something besides the counts)
    is refused. A line equal to the one before it is the same record again, and is not read
    twice (a million marks make a million lines, but only a few hundred different ones).

    :raises RecountError: at the first line that is not JSON, not a record or out of order,
        or if there are not ``expected`` records.
    """
    runs: list[tuple[Any, int]] = []
    previous: str | None = None
    last: tuple[Any, ...] | None = None
    for number, line in enumerate(lines, start=2):
        if line == previous:
            record, count = runs[-1]
            runs[-1] = (record, count + 1)
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise RecountError("bad_line", f"line {number} is not JSON", line=number) from exc
        place = key(value)
        if place is None:
            raise RecountError("bad_record", f"line {number} is not a record of this round",
                               line=number)
        if last is not None and place < last:
            raise RecountError("out_of_order", f"line {number} is out of order", line=number)
        previous, last = line, place
        runs.append((value, 1))
    found = sum(count for _record, count in runs)
    if found != expected:
        raise RecountError(
            "records_mismatch", f"{found} records in the file, the header says {expected}",
            found=found, expected=expected,
        )
    return runs


def recount_round(info: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The ``round`` object of a recount, from a file's header: ``status`` is ``"closed"``,
    the state in which the count was made (the file does not know whether the round was
    published since)."""
    return {
        "id": info.get("id"),
        "title": info.get("title"),
        "body": info.get("body"),
        "kind": kind,
        "status": "closed",
        "place": info.get("place"),
        "date": info.get("date"),
    }


def quorum_met(summoned: int | None, present: int | None) -> bool:
    """At least two thirds of those summoned are present, in integers (docs/rules.md#quorum)."""
    if summoned is None or present is None:
        return False
    return summoned > 0 and 3 * present >= 2 * summoned
