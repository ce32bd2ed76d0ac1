"""The ballot file of a closed round of one level per line (the poll and the confidence vote),
version 2, and the recount from it alone.

The file is JSON Lines (UTF-8): a header line, then one *record* per marked line of a ballot,
``[subject order, level]``; a blank line has none. A record holds one line of one ballot and
nothing else, which is all the count of that line needs, so no record can show a combination
of marks over several lines (a pattern a superior could dictate to a subordinate and then look
for). What only a whole ballot can tell, that no line of it is marked (the minutes' invalid
ballots), is a count in the header, ``invalid_ballots``. The records are in one fixed order, by
subject, then by level in ballot order: the file depends on nothing but how many marks each
level got on each line, so its order says nothing of the order of casting or of which marks
were on one ballot, and its bytes (its fingerprint) are the same on every database. A file in
any other order is refused.

Version 1 files (one line per ballot) are still read, by :mod:`survey.tally.recount`. Writer
and reader side by side; see docs/formats.md, "Ballot file".

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.tally import no_confidence as nc
from survey.tally.confidence import Denominator, RoundFigures, SubjectCounts, tally_round
from survey.tally.files import (
    FORMAT,
    VERSION,
    BallotSources,
    RecountError,
    header_count,
    header_counts,
    json_line,
    read_file,
    read_records,
    read_sources,
    recount_round,
)
from survey.tally.recount import KIND_LEVELS, SubjectEntry, read_lines_header, tally_document
from survey.tally.recount_kinds import no_confidence_document


@dataclass(frozen=True)
class MarksFile:
    """What a version 2 ballot file of a poll or a confidence vote holds."""

    round: Mapping[str, Any]
    kind: str
    summoned: int | None
    present: int | None
    issued: int
    collected: int
    #: Ballots with no line marked (the minutes' "số phiếu không hợp lệ").
    invalid_ballots: int
    denominator: Denominator
    min_ballots: int
    subjects: tuple[SubjectEntry, ...]
    #: The levels a line may carry, in ballot order.
    levels: tuple[str, ...]
    #: Marks per level of each subject, in ballot order: what the records say.
    counts: tuple[Mapping[str, int], ...]
    #: Where the ballots came from; ``None`` when the file does not say (all from phones).
    sources: BallotSources | None = None


def _check(collected: int, invalid_ballots: int, marks: Sequence[int],
           sources: BallotSources | None) -> str | None:
    """The header field that cannot hold with these counts, or ``None``: every marked line is
    on a ballot with a mark, at most one per line, and each such ballot has one at least; a
    wholly invalid paper ballot is a ballot with no line marked."""
    if invalid_ballots > collected:
        return "invalid_ballots"
    valid = collected - invalid_ballots
    if any(n > valid for n in marks) or sum(marks) < valid:
        return "invalid_ballots"
    if sources is not None and sources.paper_invalid > invalid_ballots:
        return "sources"
    return None


def encode_lines(
    *,
    round_info: Mapping[str, Any],
    kind: str,
    summoned: int | None,
    present: int | None,
    issued: int,
    collected: int,
    invalid_ballots: int,
    denominator: str,
    min_ballots: int,
    subjects: Sequence[SubjectEntry],
    levels: Sequence[str],
    counts: Sequence[Mapping[str, int]],
    sources: BallotSources | None = None,
) -> Iterator[bytes]:
    """The file's bytes in pieces: the header line, then each subject's records, level by
    level, each run of equal records in one piece (``counts[i]`` maps a level to the marks of
    ``subjects[i]``).

    The caller passes only values that do not change after the close, so that the same round
    always gives the same bytes and so the same fingerprint.

    :raises ValueError: before any line, if the counts do not fit the subjects, the levels or
        the ballots.
    """
    if len(counts) != len(subjects) or any(
        not set(c) <= set(levels) or min(c.values(), default=0) < 0 for c in counts
    ):
        raise ValueError("the counts do not match the subjects or levels")
    if _check(collected, invalid_ballots, [sum(c.values()) for c in counts], sources):
        raise ValueError("the counts do not fit the ballots collected")
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "round": dict(round_info),
        "summoned": summoned,
        "present": present,
        "issued": issued,
        "collected": collected,
        "invalid_ballots": invalid_ballots,
        "denominator": denominator,
        "min_ballots": min_ballots,
        "levels": list(levels),
        "subjects": [
            {"order": s.order, "name": s.name, "position": s.position, "unit": s.unit}
            for s in subjects
        ],
        "records": sum(sum(c.values()) for c in counts),
    }
    if sources is not None and sources.paper:
        header["sources"] = sources.as_dict()  # only when paper ballots were counted
    yield json_line(header)
    for subject, marks in zip(subjects, counts, strict=True):
        for level in levels:
            if marks.get(level, 0):  # a run of equal records in one piece
                yield json_line([subject.order, level]) * marks[level]


def encode(**options: Any) -> bytes:
    """The whole file of :func:`encode_lines` (same arguments)."""
    return b"".join(encode_lines(**options))


def decode(data: bytes) -> MarksFile:
    """Read a version 2 file of a poll or a confidence vote, checking every record.

    :raises RecountError: if the file is not a well-formed ballot file of that version.
    """
    header, lines = read_file(data)
    kind = header.get("kind")
    if not isinstance(kind, str) or kind not in KIND_LEVELS:
        raise RecountError("bad_kind", "unknown kind of round", kind=kind)
    counts = header_counts(header)
    levels, denominator, round_info, subjects = read_lines_header(header, kind)
    issued, collected, min_ballots = counts["issued"], counts["collected"], counts["min_ballots"]
    invalid = header_count(header.get("invalid_ballots"), "invalid_ballots")
    expected = header_count(header.get("records"), "records")
    assert issued is not None and collected is not None and min_ballots is not None
    assert invalid is not None and expected is not None
    sources = read_sources(header.get("sources"), collected)
    rank = {level: index for index, level in enumerate(levels)}

    def place(value: Any) -> tuple[int, int] | None:
        if not isinstance(value, list) or len(value) != 2:
            return None
        order, level = value
        if (isinstance(order, bool) or not isinstance(order, int)
                or not 1 <= order <= len(subjects)
                or not isinstance(level, str) or level not in rank):
            return None
        return order, rank[level]

    tallies: list[dict[str, int]] = [dict.fromkeys(levels, 0) for _ in subjects]
    for (order, level), count in read_records(lines, expected, place):
        tallies[order - 1][level] += count
    field = _check(collected, invalid, [sum(c.values()) for c in tallies], sources)
    if field is not None:
        raise RecountError("bad_header", f"header field {field!r} is wrong", field=field)
    return MarksFile(
        round=round_info, kind=kind, summoned=counts["summoned"], present=counts["present"],
        issued=issued, collected=collected, invalid_ballots=invalid, denominator=denominator,
        min_ballots=min_ballots, subjects=subjects, levels=levels, counts=tuple(tallies),
        sources=sources,
    )


def recount_document(ballot_file: MarksFile) -> dict[str, Any]:
    """The recount as the same JSON object as ``survey tally --format json`` gives for the
    round's kind, computed from the file alone with the round's own rules (``round.status``
    is ``"closed"``)."""
    round_info = recount_round(ballot_file.round, ballot_file.kind)
    figures = RoundFigures(summoned=ballot_file.summoned, present=ballot_file.present,
                           issued=ballot_file.issued, collected=ballot_file.collected)
    if ballot_file.kind == "no_confidence":
        vote = nc.tally_round(
            figures, [nc.SubjectCounts.from_mapping(c) for c in ballot_file.counts],
            min_ballots=ballot_file.min_ballots,
        )
        return no_confidence_document(round_info, ballot_file.subjects, vote,
                                      ballot_file.invalid_ballots)
    poll = tally_round(
        figures, [SubjectCounts.from_mapping(c) for c in ballot_file.counts],
        denominator=ballot_file.denominator, min_ballots=ballot_file.min_ballots,
    )
    return tally_document(round_info, ballot_file.subjects, poll, ballot_file.sources,
                          ballot_file.invalid_ballots)
