"""The ballot file of a closed round, version 1, the recount from such a file alone, and the
poll's tally document.

After the close the anonymised ballots can be written to one file (JSON Lines, UTF-8) whose
SHA-256 is printed in the minutes; anyone holding the file can recompute the tally on another
computer (``survey recount FILE``) and compare the fingerprint with the printed one, as a
counting committee re-counts paper ballots. Version 1 of the format, defined here, listed whole
ballots, one line per ballot: a pattern over many lines that a superior dictated to a
subordinate could be looked for in it. The app now writes version 2, one record per ballot
line (:mod:`survey.tally.marks_file`, :mod:`survey.tally.nomination_file`,
:mod:`survey.tally.appraisal_file`); version 1 files are still read and recounted here, so that
the fingerprints printed in earlier minutes can still be checked. The version 1 writer stays
beside its reader so that the reader's tests write files exactly as they were written. See
docs/formats.md, "Ballot file".

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.tally import approval as ap
from survey.tally import no_confidence as nc
from survey.tally.confidence import (
    Denominator,
    Level,
    RoundFigures,
    RoundResult,
    SubjectCounts,
    tally_round,
)
from survey.tally.files import (
    FORMAT,
    WHOLE_BALLOTS,
    RecountError,
    header_counts,
    json_line,
    read_file,
    read_sources,
    recount_round,
)

# re-exported: callers import them from here
from survey.tally.files import BallotSources as BallotSources
from survey.tally.files import quorum_met as quorum_met
from survey.tally.recount_kinds import (
    NO_CONFIDENCE_LEVELS,
    NominationFile,
    decode_nomination,
    document_head,
    no_confidence_counts,
    no_confidence_document,
    nomination_document,
    recount_nomination,
)

KINDS = ("confidence", "no_confidence", "nomination", "approval", "collective_vote")
LEVELS = tuple(level.value for level in Level)
#: The levels a ballot file of each kind with subjects must list, in ballot order.
KIND_LEVELS = {"confidence": LEVELS, "no_confidence": NO_CONFIDENCE_LEVELS,
               "approval": ap.LEVELS, "collective_vote": ap.LEVELS}

@dataclass(frozen=True)
class SubjectEntry:
    """A line of the ballot as the file lists it."""

    order: int
    name: str
    position: str = ""
    unit: str = ""


@dataclass(frozen=True)
class BallotFile:
    """What a ballot file holds: the round's counts and rules, its subjects, its ballots."""

    round: Mapping[str, Any]
    kind: str
    summoned: int | None
    present: int | None
    issued: int
    collected: int
    denominator: Denominator
    min_ballots: int
    subjects: tuple[SubjectEntry, ...]
    #: One tuple per ballot, one entry per subject in ballot order; ``None`` is a blank line.
    ballots: tuple[tuple[str | None, ...], ...]
    #: Where the ballots came from; ``None`` when the file does not say (all from phones).
    sources: BallotSources | None = None
    #: The levels a line may carry, in ballot order.
    levels: tuple[str, ...] = LEVELS


def sha256_hex(data: bytes) -> str:
    """The fingerprint of a ballot file: SHA-256 of its exact bytes, 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def encode(
    *,
    round_info: Mapping[str, Any],
    kind: str,
    summoned: int | None,
    present: int | None,
    issued: int,
    denominator: str,
    min_ballots: int,
    subjects: Sequence[SubjectEntry],
    ballots: Iterable[Sequence[str | None]],
    levels: Sequence[str] = LEVELS,
    sources: BallotSources | None = None,
) -> bytes:
    """A version 1 file's bytes: a header line, then one line per ballot, in the order given.

    The caller decides the order of ``ballots`` (it must not follow the order of casting) and
    must pass only values that do not change after the close, so that the same round always
    gives the same bytes and so the same fingerprint.
    """
    rows = [list(ballot) for ballot in ballots]
    return b"".join(encode_lines(
        round_info=round_info, kind=kind, summoned=summoned, present=present, issued=issued,
        denominator=denominator, min_ballots=min_ballots, subjects=subjects, levels=levels,
        sources=sources, collected=len(rows), ballots=rows,
    ))


def encode_lines(
    *,
    round_info: Mapping[str, Any],
    kind: str,
    summoned: int | None,
    present: int | None,
    issued: int,
    denominator: str,
    min_ballots: int,
    subjects: Sequence[SubjectEntry],
    collected: int,
    ballots: Iterable[Sequence[str | None]],
    levels: Sequence[str] = LEVELS,
    sources: BallotSources | None = None,
) -> Iterator[bytes]:
    """The lines of :func:`encode`'s file one at a time, for a file too large to hold at once
    (``collected`` is the number of ``ballots``, which the header gives first).

    :raises ValueError: at the line where a ballot does not fit the subjects or levels, or at
        the end if there were not ``collected`` ballots.
    """
    header = {
        "format": FORMAT,
        "version": WHOLE_BALLOTS,
        "kind": kind,
        "round": dict(round_info),
        "summoned": summoned,
        "present": present,
        "issued": issued,
        "collected": collected,
        "denominator": denominator,
        "min_ballots": min_ballots,
        "levels": list(levels),
        "subjects": [
            {"order": s.order, "name": s.name, "position": s.position, "unit": s.unit}
            for s in subjects
        ],
    }
    if sources is not None and sources.paper:
        # only when paper ballots were counted: the files of other rounds keep their bytes
        header["sources"] = sources.as_dict()
    yield json_line(header)
    count = 0
    for ballot in ballots:
        row = list(ballot)
        if len(row) != len(subjects) or any(v is not None and v not in levels for v in row):
            raise ValueError("a ballot does not match the subjects or levels")
        count += 1
        yield json_line(row)
    if count != collected:
        raise ValueError("the header's count of ballots is wrong")


def read_lines_header(
    header: Mapping[str, Any], kind: str
) -> tuple[tuple[str, ...], Denominator, dict[str, Any], tuple[SubjectEntry, ...]]:
    """The levels, denominator, round and subjects of a file of ``kind`` (a kind of one level
    per line), checked.

    :raises RecountError: naming the first header field that is wrong.
    """
    levels = KIND_LEVELS[kind]
    if header.get("levels") != list(levels):
        raise RecountError("bad_header", "header field 'levels' is wrong", field="levels")
    try:
        denominator = Denominator(header.get("denominator", ""))
    except ValueError as exc:
        raise RecountError(
            "bad_header", "header field 'denominator' is wrong", field="denominator"
        ) from exc
    round_info = header.get("round")
    if not isinstance(round_info, dict):
        raise RecountError("bad_header", "header field 'round' is wrong", field="round")
    raw_subjects = header.get("subjects")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        raise RecountError("bad_header", "header field 'subjects' is wrong", field="subjects")
    subjects = []
    for number, item in enumerate(raw_subjects, start=1):
        if (
            not isinstance(item, dict)
            or item.get("order") != number
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("position", ""), str)
            or not isinstance(item.get("unit", ""), str)
        ):
            raise RecountError("bad_header", "header field 'subjects' is wrong", field="subjects")
        subjects.append(
            SubjectEntry(number, item["name"], item.get("position", ""), item.get("unit", ""))
        )
    return levels, denominator, round_info, tuple(subjects)


def decode(data: bytes) -> BallotFile | NominationFile:
    """Read a version 1 ballot file of any kind but appraisal, checking every line.

    :raises RecountError: if the file is not a well-formed version 1 ballot file.
    """
    header, rows = read_file(data, WHOLE_BALLOTS)
    kind = header.get("kind")
    if kind not in KINDS:
        raise RecountError("bad_kind", "unknown kind of round", kind=kind)
    counts = header_counts(header)
    if kind == "nomination":
        return decode_nomination(header, rows, counts)
    levels, denominator, round_info, subjects = read_lines_header(header, kind)
    min_ballots, issued, collected = counts["min_ballots"], counts["issued"], counts["collected"]
    assert min_ballots is not None and issued is not None and collected is not None

    ballots = []
    allowed = set(levels)
    for number, line in enumerate(rows, start=2):
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise RecountError("bad_line", f"line {number} is not JSON", line=number) from exc
        if (
            not isinstance(row, list)
            or len(row) != len(subjects)
            or any(v is not None and (not isinstance(v, str) or v not in allowed) for v in row)
        ):
            raise RecountError(
                "bad_ballot", f"line {number} is not a ballot of this round", line=number
            )
        ballots.append(tuple(row))
    if len(ballots) != collected:
        raise RecountError(
            "count_mismatch",
            f"{len(ballots)} ballots in the file, the header says {collected}",
            found=len(ballots),
            expected=collected,
        )
    sources = read_sources(header.get("sources"), collected)
    return BallotFile(
        round=round_info,
        kind=kind,
        summoned=counts["summoned"],
        present=counts["present"],
        issued=issued,
        collected=collected,
        denominator=denominator,
        min_ballots=min_ballots,
        subjects=subjects,
        ballots=tuple(ballots),
        sources=sources,
        levels=levels,
    )


def subject_counts(ballots: Iterable[Sequence[str | None]], width: int) -> list[SubjectCounts]:
    """Marks per level for each of ``width`` subjects; a blank line counts nowhere."""
    counts = [dict.fromkeys(LEVELS, 0) for _ in range(width)]
    for ballot in ballots:
        for index, mark in enumerate(ballot):
            if mark is not None:
                counts[index][mark] += 1
    return [SubjectCounts.from_mapping(c) for c in counts]


def blank_ballots(ballots: Iterable[Sequence[str | None]]) -> int:
    """Ballots with no mark on any line (wholly blank)."""
    return sum(1 for ballot in ballots if all(mark is None for mark in ballot))


def recount(ballot_file: BallotFile) -> RoundResult:
    """A confidence poll's tally computed from its file alone, with the round's own rules
    (:func:`recount_document` counts the files of every kind)."""
    figures = RoundFigures(
        summoned=ballot_file.summoned,
        present=ballot_file.present,
        issued=ballot_file.issued,
        collected=len(ballot_file.ballots),
    )
    return tally_round(
        figures,
        subject_counts(ballot_file.ballots, len(ballot_file.subjects)),
        denominator=ballot_file.denominator,
        min_ballots=ballot_file.min_ballots,
    )


def tally_document(
    round_info: Mapping[str, Any],
    subjects: Sequence[SubjectEntry],
    result: RoundResult,
    sources: BallotSources | None = None,
    invalid_ballots: int | None = None,
) -> dict[str, Any]:
    """The tally as the JSON object of ``survey tally --format json`` (docs/formats.md).

    ``round_info`` is the ``round`` object (id, title, body, kind, status, place, date);
    ``sources`` says where the ballots came from (``None``: all from phones);
    ``invalid_ballots`` how many had no line marked (shown only with the other figures).
    """
    figures = result.figures
    items = []
    for index, subject in enumerate(subjects):
        item: dict[str, Any] = {
            "order": subject.order,
            "name": subject.name,
            "position": subject.position,
            "unit": subject.unit,
            "issued": figures.issued,
            "collected": figures.collected,
        }
        if result.suppressed:
            item.update(valid=None, invalid=None, counts=None, percent=None, band=None)
        else:
            line = result.subjects[index]
            item.update(
                valid=line.valid,
                invalid=line.invalid,
                counts=line.counts.as_dict(),
                percent={key: str(value) for key, value in line.percent.items()},
                band=line.band.value if line.band else None,
            )
        items.append(item)
    head = document_head(round_info, figures, denominator=result.denominator.value,
                         base=result.base, min_ballots=result.min_ballots,
                         suppressed=result.suppressed)
    data: dict[str, Any] = {}
    for key, value in head.items():
        data[key] = value
        if key == "collected":  # where the ballots came from (all from phones unless said)
            data["sources"] = (sources or BallotSources(figures.collected)).as_dict()
            data["invalid_ballots"] = None if result.suppressed else invalid_ballots
    data["subjects"] = items
    return data


def recount_document(ballot_file: BallotFile | NominationFile) -> dict[str, Any]:
    """The recount of a version 1 file as the same JSON object as ``survey tally --format
    json`` gives for the round's kind (``round.status`` is ``"closed"``)."""
    kind = "nomination" if isinstance(ballot_file, NominationFile) else ballot_file.kind
    round_info = recount_round(ballot_file.round, kind)
    if isinstance(ballot_file, NominationFile):
        return nomination_document(round_info, ballot_file.positions,
                                   recount_nomination(ballot_file))
    blank = blank_ballots(ballot_file.ballots)
    if kind == "no_confidence":
        figures = RoundFigures(summoned=ballot_file.summoned, present=ballot_file.present,
                               issued=ballot_file.issued, collected=len(ballot_file.ballots))
        result = nc.tally_round(
            figures, no_confidence_counts(ballot_file.ballots, len(ballot_file.subjects)),
            min_ballots=ballot_file.min_ballots,
        )
        return no_confidence_document(round_info, ballot_file.subjects, result, blank)
    return tally_document(
        round_info, ballot_file.subjects, recount(ballot_file), ballot_file.sources, blank
    )
