"""The ballot file of a closed nomination round, version 2, and the recount from it alone.

The file is JSON Lines (UTF-8): a header line that lists the positions and their candidates,
then one *record* per "Đồng ý", ``[position order, candidate order]`` (the candidate's place
within its position, from 1); "Không đồng ý" and a blank line have none. A record holds one
mark of one ballot and nothing else, which is all the count of that candidate needs, so no
record can show a combination of agrees over several candidates or positions (a pattern a
superior could dictate to a subordinate and then look for). What is decided about a position's
whole line is a count in the header: ``invalid``, the lines that named more people than the
seats (decided when the ballot was cast and stored as such; none of such a line is counted).
Names written in are counts too, one per person (names compared as the tally compares them,
:func:`survey.tally.nomination.name_key`), shown as the tally shows them: ``written``, sorted
by name. So a name written in cannot be tied to the agrees of its ballot either. The records
are in one fixed order, by position and then by candidate, so their order says nothing of the
order of casting or of which marks were on one ballot.

Version 1 files (one line per ballot) are still read, by :mod:`survey.tally.recount`. See
docs/nomination.md, "Ballot file".

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.tally import nomination as nom
from survey.tally.confidence import RoundFigures
from survey.tally.files import (
    FORMAT,
    VERSION,
    RecountError,
    header_count,
    header_counts,
    json_line,
    read_file,
    read_records,
    recount_round,
)
from survey.tally.recount_kinds import PositionEntry, nomination_document, read_positions

KIND = "nomination"


@dataclass(frozen=True)
class NominationRecords:
    """What a version 2 nomination ballot file holds."""

    round: Mapping[str, Any]
    summoned: int | None
    present: int | None
    issued: int
    collected: int
    min_ballots: int
    positions: tuple[PositionEntry, ...]
    #: What the file says about each position, in ballot order: the tally's own input.
    counts: tuple[nom.PositionCounts, ...]


def _written(counts: nom.PositionCounts) -> list[tuple[str, int]]:
    """The names written in for a position, one per person with the votes of all the ways it
    was written, sorted by name."""
    return sorted(nom.group_write_ins(counts.write_ins))


def _bad(position: PositionEntry, counts: nom.PositionCounts, collected: int) -> bool:
    """Whether a position's counts cannot come from ``collected`` ballots: more lines over
    the seats than ballots; more agrees or votes for one person than lines that count; more
    people named than the seats of those lines; a name written in where none was offered, or
    that is a listed candidate's (such a name is an agree for that candidate)."""
    valid = collected - counts.invalid
    agrees = [c.agree for c in counts.candidates]
    written = _written(counts)
    listed = {nom.name_key(c.name) for c in position.candidates}
    return (
        not 0 <= counts.invalid <= collected
        or len(agrees) != len(position.candidates)
        or any(not 0 <= n <= valid for n in agrees)
        or any(not 1 <= votes <= valid for _name, votes in written)
        or sum(agrees) + sum(votes for _name, votes in written) > position.seats * valid
        or (bool(written) and not position.write_ins)
        or any(nom.name_key(name) in listed for name, _votes in written)
    )


def encode(
    *,
    round_info: Mapping[str, Any],
    summoned: int | None,
    present: int | None,
    issued: int,
    collected: int,
    min_ballots: int,
    positions: Sequence[PositionEntry],
    counts: Sequence[nom.PositionCounts],
) -> bytes:
    """The file's bytes: the header, then each position's records, candidate by candidate.

    ``counts`` are the tally's own input (agrees per candidate, names written in, lines over
    the seats), so the recount of the file is the tally.

    :raises ValueError: if the counts do not fit the positions or the ballots collected.
    """
    if len(counts) != len(positions) or any(
        _bad(p, c, collected) for p, c in zip(positions, counts, strict=True)
    ):
        raise ValueError("the counts do not fit the positions or the ballots collected")
    records = [
        [position.order, place]
        for position, tally in zip(positions, counts, strict=True)
        for place, candidate in enumerate(tally.candidates, start=1)
        for _ in range(candidate.agree)
    ]
    header = {
        "format": FORMAT,
        "version": VERSION,
        "kind": KIND,
        "round": dict(round_info),
        "summoned": summoned,
        "present": present,
        "issued": issued,
        "collected": collected,
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
                "invalid": tally.invalid,
                "written": [{"name": name, "votes": votes} for name, votes in _written(tally)],
            }
            for p, tally in zip(positions, counts, strict=True)
        ],
        "records": len(records),
    }
    return json_line(header) + b"".join(json_line(record) for record in records)


def _bad_positions() -> RecountError:
    return RecountError("bad_header", "header field 'positions' is wrong", field="positions")


def _written_of(value: Any) -> dict[str, int]:
    """A position's ``written``: clean names, each person once, sorted, with their votes.

    :raises RecountError: if it is not.
    """
    if not isinstance(value, list):
        raise _bad_positions()
    names: list[str] = []
    votes: dict[str, int] = {}
    for item in value:
        if not isinstance(item, dict) or set(item) != {"name", "votes"}:
            raise _bad_positions()
        name, count = item["name"], item["votes"]
        if (not isinstance(name, str) or not name or nom.clean_name(name) != name
                or isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise _bad_positions()
        names.append(name)
        votes[name] = count
    if names != sorted(names) or len({nom.name_key(n) for n in names}) != len(names):
        raise _bad_positions()
    return votes


def decode(data: bytes) -> NominationRecords:
    """Read a version 2 nomination ballot file, checking every record.

    :raises RecountError: if the file is not a well-formed nomination ballot file of that
        version.
    """
    header, lines = read_file(data)
    if header.get("kind") != KIND:
        raise RecountError("bad_kind", "unknown kind of round", kind=header.get("kind"))
    counts = header_counts(header)
    round_info = header.get("round")
    if not isinstance(round_info, dict):
        raise RecountError("bad_header", "header field 'round' is wrong", field="round")
    positions = read_positions(header.get("positions"))
    raw = header["positions"]
    invalid = [header_count(item.get("invalid"), "positions") for item in raw]
    written = [_written_of(item.get("written")) for item in raw]
    expected = header_count(header.get("records"), "records")
    issued, collected, min_ballots = counts["issued"], counts["collected"], counts["min_ballots"]
    assert issued is not None and collected is not None and min_ballots is not None
    assert expected is not None

    def place(value: Any) -> tuple[int, int] | None:
        if not isinstance(value, list) or len(value) != 2 or any(
            isinstance(n, bool) or not isinstance(n, int) for n in value
        ):
            return None
        order, candidate = value
        if not 1 <= order <= len(positions):
            return None
        return (order, candidate) if 1 <= candidate <= len(
            positions[order - 1].candidates) else None

    agrees = [[0] * len(p.candidates) for p in positions]
    for (order, candidate), count in read_records(lines, expected, place):
        agrees[order - 1][candidate - 1] += count
    tallies = []
    for index, position in enumerate(positions):
        n = invalid[index]
        assert n is not None
        tally = nom.PositionCounts(
            title=position.title, seats=position.seats,
            candidates=tuple(nom.CandidateCounts(c.name, agree, c.current_position)
                             for c, agree in zip(position.candidates, agrees[index],
                                                 strict=True)),
            write_ins=written[index], invalid=n,
        )
        if _bad(position, tally, collected):
            raise _bad_positions()
        tallies.append(tally)
    return NominationRecords(
        round=round_info, summoned=counts["summoned"], present=counts["present"],
        issued=issued, collected=collected, min_ballots=min_ballots, positions=positions,
        counts=tuple(tallies),
    )


def recount_document(ballot_file: NominationRecords) -> dict[str, Any]:
    """The recount as the same JSON object as ``survey tally --format json`` gives for a
    nomination round, computed from the file alone (``round.status`` is ``"closed"``)."""
    figures = RoundFigures(summoned=ballot_file.summoned, present=ballot_file.present,
                           issued=ballot_file.issued, collected=ballot_file.collected)
    result = nom.tally_round(figures, ballot_file.counts, min_ballots=ballot_file.min_ballots)
    return nomination_document(recount_round(ballot_file.round, KIND), ballot_file.positions,
                               result)
