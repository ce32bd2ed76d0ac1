"""Ballot files (version 1) and tally documents of the confidence vote and of nomination rounds.

The confidence vote's file is the poll's (:mod:`survey.tally.recount`) with two levels; its
tally document is built here. A nomination round's version 1 file lists positions instead of
subjects and holds, per ballot, one entry per position: ``null`` for a line over the seats,
otherwise ``[agreed, written]`` (the agreed candidates' 1-based places in the position,
ascending, and the written-in names, sorted). The app now writes version 2
(:mod:`survey.tally.nomination_file`); version 1 files are read here. Writer, reader and the
JSON documents of both kinds sit side by side here, so that ``survey tally`` and ``survey
recount`` give the same object and cannot drift apart. See docs/nomination.md.

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.tally import no_confidence as nc
from survey.tally import nomination as nom
from survey.tally.confidence import RoundFigures
from survey.tally.files import FORMAT, WHOLE_BALLOTS, RecountError, json_line, quorum_met

#: The confidence vote's levels, in ballot order, as its ballot file lists them.
NO_CONFIDENCE_LEVELS = tuple(level.value for level in nc.Level)


def document_head(round_info: Mapping[str, Any], figures: RoundFigures, *, denominator: str,
                  base: int, min_ballots: int, suppressed: bool) -> dict[str, Any]:
    """The keys every tally document starts with (docs/formats.md)."""
    absent = (
        None if figures.summoned is None or figures.present is None
        else figures.summoned - figures.present
    )
    return {
        "round": dict(round_info),
        "summoned": figures.summoned,
        "present": figures.present,
        "absent": absent,
        "quorum": quorum_met(figures.summoned, figures.present),
        "issued": figures.issued,
        "collected": figures.collected,
        "denominator": denominator,
        "denominator_value": base,
        "min_ballots": min_ballots,
        "suppressed": suppressed,
    }


# -- the confidence vote ---------------------------------------------------------------------


def no_confidence_counts(ballots: Iterable[Sequence[str | None]],
                         width: int) -> list[nc.SubjectCounts]:
    """Marks per level for each of ``width`` subjects; a blank line counts nowhere."""
    counts = [dict.fromkeys(NO_CONFIDENCE_LEVELS, 0) for _ in range(width)]
    for ballot in ballots:
        for index, mark in enumerate(ballot):
            if mark is not None:
                counts[index][mark] += 1
    return [nc.SubjectCounts.from_mapping(c) for c in counts]


def no_confidence_document(round_info: Mapping[str, Any], subjects: Sequence[Any],
                           result: nc.RoundResult,
                           invalid_ballots: int | None = None) -> dict[str, Any]:
    """The confidence vote's tally as ``survey tally --format json`` prints it.

    :param subjects: in ballot order, each with ``order``, ``name``, ``position``, ``unit``.
    :param invalid_ballots: ballots with no line marked (shown only with the other figures).
    """
    head = document_head(round_info, result.figures, denominator="collected",
                         base=result.base, min_ballots=result.min_ballots,
                         suppressed=result.suppressed)
    data: dict[str, Any] = {}
    for key, value in head.items():
        data[key] = value
        if key == "collected":
            data["invalid_ballots"] = None if result.suppressed else invalid_ballots
    data["levels"] = list(NO_CONFIDENCE_LEVELS)
    items = []
    for index, subject in enumerate(subjects):
        item: dict[str, Any] = {
            "order": subject.order, "name": subject.name, "position": subject.position,
            "unit": subject.unit, "issued": result.figures.issued,
            "collected": result.figures.collected,
        }
        if result.suppressed:
            item.update(valid=None, invalid=None, counts=None, percent=None, dismissal=None)
        else:
            line = result.subjects[index]
            item.update(
                valid=line.valid, invalid=line.invalid, counts=line.counts.as_dict(),
                percent={key: str(value) for key, value in line.percent.items()},
                dismissal=line.dismissal,
            )
        items.append(item)
    data["subjects"] = items
    return data


# -- nomination rounds -----------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateEntry:
    """A listed candidate: ``order`` is the place on the whole ballot (1-based)."""

    order: int
    name: str
    current_position: str = ""


@dataclass(frozen=True)
class PositionEntry:
    order: int
    title: str
    seats: int
    write_ins: bool
    candidates: tuple[CandidateEntry, ...]


#: A valid line: the agreed candidates' places in the position, and the written-in names.
Line = tuple[tuple[int, ...], tuple[str, ...]]


@dataclass(frozen=True)
class NominationFile:
    """What a nomination round's ballot file holds."""

    round: Mapping[str, Any]
    summoned: int | None
    present: int | None
    issued: int
    collected: int
    min_ballots: int
    positions: tuple[PositionEntry, ...]
    #: One tuple per ballot, one entry per position; ``None`` is a line over the seats.
    ballots: tuple[tuple[Line | None, ...], ...]


def encode_nomination(
    *,
    round_info: Mapping[str, Any],
    summoned: int | None,
    present: int | None,
    issued: int,
    min_ballots: int,
    positions: Sequence[PositionEntry],
    ballots: Iterable[Sequence[Line | None]],
) -> bytes:
    """A version 1 file's bytes: a header line, then one line per ballot in the order given."""
    rows = []
    for ballot in ballots:
        if len(ballot) != len(positions):
            raise ValueError("a ballot does not match the positions")
        rows.append([
            None if line is None else [sorted(line[0]), sorted(line[1])] for line in ballot
        ])
    header = {
        "format": FORMAT,
        "version": WHOLE_BALLOTS,
        "kind": "nomination",
        "round": dict(round_info),
        "summoned": summoned,
        "present": present,
        "issued": issued,
        "collected": len(rows),
        "min_ballots": min_ballots,
        "positions": [
            {
                "order": p.order,
                "title": p.title,
                "seats": p.seats,
                "write_ins": p.write_ins,
                "candidates": [
                    {"order": n, "name": c.name, "current_position": c.current_position}
                    for n, c in enumerate(p.candidates, 1)
                ],
            }
            for p in positions
        ],
    }
    return json_line(header) + b"".join(json_line(row) for row in rows)


def _bad_positions() -> RecountError:
    return RecountError("bad_header", "header field 'positions' is wrong", field="positions")


def read_positions(raw: Any) -> tuple[PositionEntry, ...]:
    """The ``positions`` of a nomination file's header, checked (keys other than the ones
    read are left to the caller).

    :raises RecountError: if they are not a list of positions with their candidates.
    """
    if not isinstance(raw, list) or not raw:
        raise _bad_positions()
    positions, place = [], 0
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or item.get("order") != number:
            raise _bad_positions()
        title, seats, write_ins = item.get("title"), item.get("seats"), item.get("write_ins")
        candidates = item.get("candidates")
        if (not isinstance(title, str) or isinstance(seats, bool) or not isinstance(seats, int)
                or seats < 1 or not isinstance(write_ins, bool)
                or not isinstance(candidates, list)):
            raise _bad_positions()
        entries = []
        for n, candidate in enumerate(candidates, start=1):
            if (not isinstance(candidate, dict) or candidate.get("order") != n
                    or not isinstance(candidate.get("name"), str)
                    or not isinstance(candidate.get("current_position", ""), str)):
                raise _bad_positions()
            place += 1
            entries.append(CandidateEntry(place, candidate["name"],
                                          candidate.get("current_position", "")))
        positions.append(PositionEntry(number, title, seats, write_ins, tuple(entries)))
    return tuple(positions)


def _ballot_line(value: Any, position: PositionEntry) -> Line | None:
    """One entry of a ballot; :raises ValueError: if it cannot be on this position's line."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError
    agreed, written = value
    if not isinstance(agreed, list) or not isinstance(written, list):
        raise ValueError
    if any(isinstance(n, bool) or not isinstance(n, int)
           or not 1 <= n <= len(position.candidates) for n in agreed):
        raise ValueError
    if agreed != sorted(set(agreed)):
        raise ValueError
    if any(not isinstance(name, str) or nom.clean_name(name) != name or not name
           for name in written):
        raise ValueError
    if written != sorted(written) or len({nom.name_key(n) for n in written}) != len(written):
        raise ValueError
    if written and not position.write_ins:
        raise ValueError
    if len(agreed) + len(written) > position.seats:  # such a line is stored as invalid
        raise ValueError
    return tuple(agreed), tuple(written)


def decode_nomination(header: Mapping[str, Any], lines: Sequence[str],
                      counts: Mapping[str, int | None]) -> NominationFile:
    """The rest of a nomination file, once :func:`survey.tally.recount.decode` has read the
    header's common fields (``counts``: summoned, present, issued, collected, min_ballots).

    :raises RecountError: if the file is not a well-formed nomination ballot file.
    """
    round_info = header.get("round")
    if not isinstance(round_info, dict):
        raise RecountError("bad_header", "header field 'round' is wrong", field="round")
    positions = read_positions(header.get("positions"))
    ballots = []
    for number, text in enumerate(lines, start=2):
        try:
            row = json.loads(text)
        except ValueError as exc:
            raise RecountError("bad_line", f"line {number} is not JSON", line=number) from exc
        try:
            if not isinstance(row, list) or len(row) != len(positions):
                raise ValueError
            ballots.append(tuple(_ballot_line(v, p) for v, p in zip(row, positions,
                                                                     strict=True)))
        except ValueError as exc:
            raise RecountError("bad_ballot", f"line {number} is not a ballot of this round",
                              line=number) from exc
    collected = counts["collected"]
    if len(ballots) != collected:
        raise RecountError("count_mismatch",
                          f"{len(ballots)} ballots in the file, the header says {collected}",
                          found=len(ballots), expected=collected)
    issued, min_ballots = counts["issued"], counts["min_ballots"]
    assert issued is not None and min_ballots is not None
    return NominationFile(
        round=round_info, summoned=counts["summoned"], present=counts["present"],
        issued=issued, collected=len(ballots), min_ballots=min_ballots,
        positions=positions, ballots=tuple(ballots),
    )


def nomination_counts(ballot_file: NominationFile) -> list[nom.PositionCounts]:
    """What the ballots say about each position, as the database's counts would."""
    out = []
    for index, position in enumerate(ballot_file.positions):
        agrees: Counter[int] = Counter()
        written: Counter[str] = Counter()
        invalid = 0
        for ballot in ballot_file.ballots:
            line = ballot[index]
            if line is None:
                invalid += 1
                continue
            agrees.update(line[0])
            written.update(line[1])
        out.append(nom.PositionCounts(
            title=position.title,
            seats=position.seats,
            candidates=tuple(
                nom.CandidateCounts(c.name, agrees[n], c.current_position)
                for n, c in enumerate(position.candidates, start=1)
            ),
            write_ins=dict(written),
            invalid=invalid,
        ))
    return out


def recount_nomination(ballot_file: NominationFile) -> nom.RoundResult:
    figures = RoundFigures(summoned=ballot_file.summoned, present=ballot_file.present,
                           issued=ballot_file.issued, collected=len(ballot_file.ballots))
    return nom.tally_round(figures, nomination_counts(ballot_file),
                           min_ballots=ballot_file.min_ballots)


def _entry(entry: nom.Entry | None) -> dict[str, Any]:
    if entry is None:
        return dict.fromkeys(("votes", "percent", "qualifies", "nominated", "tied"))
    return {
        "votes": entry.votes,
        "percent": str(entry.percent),
        "qualifies": entry.qualifies,
        "nominated": entry.nominated,
        "tied": entry.tied,
    }


def nomination_document(round_info: Mapping[str, Any], positions: Sequence[PositionEntry],
                        result: nom.RoundResult) -> dict[str, Any]:
    """A nomination round's tally as ``survey tally --format json`` prints it."""
    data = document_head(round_info, result.figures, denominator="summoned", base=result.base,
                         min_ballots=result.min_ballots, suppressed=result.suppressed)
    items = []
    for index, position in enumerate(positions):
        line = None if result.suppressed else result.positions[index]
        listed = ([e for e in line.entries if e.listed] if line
                  else [None] * len(position.candidates))
        items.append({
            "order": position.order,
            "title": position.title,
            "seats": position.seats,
            "write_ins_allowed": position.write_ins,
            "valid": line.valid if line else None,
            "invalid": line.invalid if line else None,
            "tie": line.tie if line else None,
            "candidates": [
                {"order": c.order, "name": c.name, "current_position": c.current_position,
                 **_entry(entry)}
                for c, entry in zip(position.candidates, listed, strict=True)
            ],
            "write_ins": (
                None if line is None
                else [{"name": e.name, **_entry(e)} for e in line.entries if not e.listed]
            ),
        })
    data["positions"] = items
    data["warnings"] = [
        {"code": "over_three_positions", "name": o.name, "positions": list(o.positions)}
        for o in result.overloads
    ]
    return data
