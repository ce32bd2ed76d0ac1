"""The ballot file of a closed appraisal round, version 1, and the recount from such a file
alone.

Writer and reader side by side, as :mod:`survey.tally.recount` does for the poll; see
docs/appraisal.md, "Ballot file". The file is JSON Lines (UTF-8): a header line, then one line
per *rated line* of a ballot, ``[subject order, level, general score, tasks score]`` (a score not
given is ``null``). A skipped subject has no line. The app now writes version 2
(:mod:`survey.tally.appraisal_file`), whose records hold one value each, so that a level cannot
be found through scores a superior dictated with it; version 1 files are read here.

Why lines and not whole ballots: an appraisal ballot is opened by a named card and leaves out its
holder's own line, so a whole ballot that rates everyone but one person would name its rater.
Each line therefore stands alone, as it is stored, in the order of the lines' own random ids
given afresh at the close, which scatters the lines of one ballot through the file. Comments are
never in the file: they would tie words to scores. A subject rated by fewer than the minimum has
no line at all, and the header gives not even how many rated it (``"raters": null``).

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.tally.appraisal import (
    GENERAL_MAX,
    TASKS_MAX,
    AppraisalResult,
    Level,
    SubjectInput,
    tally_appraisal,
)
from survey.tally.appraisal_file import KIND, LEVELS, bad_header, read_head

# re-exported: the tally document and the rules are shared with version 2
from survey.tally.appraisal_file import Rules as Rules
from survey.tally.appraisal_file import tally_document as tally_document
from survey.tally.files import (
    FORMAT,
    WHOLE_BALLOTS,
    RecountError,
    header_count,
    json_line,
    read_file,
    recount_round,
)
from survey.tally.recount import SubjectEntry

#: One rated line: subject order (1-based), level, general score, tasks score.
RatedLine = tuple[int, str, int | None, int | None]


@dataclass(frozen=True)
class AppraisalFile:
    """What an appraisal ballot file holds."""

    round: Mapping[str, Any]
    summoned: int | None
    present: int | None
    issued: int
    collected: int
    rules: Rules
    subjects: tuple[SubjectEntry, ...]
    #: How many rated each subject (from the header; checked against the lines when shown);
    #: ``None`` below the minimum (a file written before says how many, below the minimum).
    raters: tuple[int | None, ...]
    lines: tuple[RatedLine, ...]


def is_appraisal_file(data: bytes) -> bool:
    """Whether the first line of ``data`` is the header of an appraisal ballot file."""
    first = data.split(b"\n", 1)[0]
    try:
        header = json.loads(first.decode("utf-8"))
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("kind") == KIND


def encode(
    *,
    round_info: Mapping[str, Any],
    summoned: int | None,
    present: int | None,
    issued: int,
    collected: int,
    rules: Rules,
    subjects: Sequence[SubjectEntry],
    raters: Sequence[int],
    lines: Iterable[RatedLine],
) -> bytes:
    """A version 1 file's bytes: the header, then ``lines`` in the order given.

    ``raters`` are the counts of every subject; the header gives none for a subject below
    ``rules.min_raters``. ``lines`` must hold no line of such a subject (the caller leaves them
    out) and come in an order that does not follow casting (the lines' random ids).
    """
    given = list(lines)
    rows = [list(line) for line in given]
    shown = {s.order for s, n in zip(subjects, raters, strict=True) if n >= rules.min_raters}
    for order, level, general, tasks in given:
        if order not in shown or level not in LEVELS:
            raise ValueError("a line does not match the shown subjects or the levels")
        if general is not None and not 0 <= general <= GENERAL_MAX:
            raise ValueError("a general score is out of range")
        if tasks is not None and not 0 <= tasks <= TASKS_MAX:
            raise ValueError("a tasks score is out of range")
    header = {
        "format": FORMAT,
        "version": WHOLE_BALLOTS,
        "kind": KIND,
        "round": dict(round_info),
        "summoned": summoned,
        "present": present,
        "issued": issued,
        "collected": collected,
        "rules": rules.as_dict(),
        "levels": list(LEVELS),
        "subjects": [
            {"order": s.order, "name": s.name, "position": s.position, "unit": s.unit,
             "raters": n if n >= rules.min_raters else None,
             "suppressed": n < rules.min_raters}
            for s, n in zip(subjects, raters, strict=True)
        ],
        "lines": len(rows),
    }
    return json_line(header) + b"".join(json_line(row) for row in rows)


def _score(value: Any, top: int) -> bool:
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top
    )


def decode(data: bytes) -> AppraisalFile:
    """Read a version 1 appraisal ballot file, checking every line.

    :raises RecountError: if the file is not a well-formed version 1 appraisal ballot file.
    """
    header, rows = read_file(data, WHOLE_BALLOTS)
    head = read_head(header)
    expected = header_count(header.get("lines"), "lines")
    assert expected is not None
    subjects, raters, rules = head.subjects, head.raters, head.rules

    lines: list[RatedLine] = []
    found = [0] * len(subjects)
    for number, row_text in enumerate(rows, start=2):
        try:
            row = json.loads(row_text)
        except ValueError as exc:
            raise RecountError("bad_line", f"line {number} is not JSON", line=number) from exc
        if (
            not isinstance(row, list)
            or len(row) != 4
            or isinstance(row[0], bool)
            or not isinstance(row[0], int)
            or not 1 <= row[0] <= len(subjects)
            or (raters[row[0] - 1] or 0) < rules.min_raters
            or row[1] not in LEVELS
            or not _score(row[2], GENERAL_MAX)
            or not _score(row[3], TASKS_MAX)
        ):
            raise RecountError(
                "bad_ballot", f"line {number} is not a ballot line of this round", line=number
            )
        found[row[0] - 1] += 1
        lines.append((row[0], row[1], row[2], row[3]))
    if len(lines) != expected:
        raise RecountError(
            "count_mismatch",
            f"{len(lines)} lines in the file, the header says {expected}",
            found=len(lines),
            expected=expected,
        )
    for n, count in zip(found, raters, strict=True):
        if count is not None and count >= rules.min_raters and n != count:
            raise bad_header("subjects")
    return AppraisalFile(
        round=head.round, summoned=head.summoned, present=head.present, issued=head.issued,
        collected=head.collected, rules=rules, subjects=subjects, raters=raters,
        lines=tuple(lines),
    )


def subject_inputs(
    subjects: Sequence[SubjectEntry], raters: Sequence[int | None], lines: Iterable[RatedLine]
) -> list[SubjectInput]:
    """What the tally needs per subject, from the file's lines.

    A suppressed subject has no line: its rater count, where the header gives one (a file
    written before), is put under no level in particular, which the tally never shows (it
    shows nothing below the minimum, not even the count).
    """
    levels: list[dict[str, int]] = [{} for _ in subjects]
    general: list[list[int]] = [[] for _ in subjects]
    tasks: list[list[int]] = [[] for _ in subjects]
    totals: list[list[int]] = [[] for _ in subjects]
    for order, level, g, t in lines:
        i = order - 1
        levels[i][level] = levels[i].get(level, 0) + 1
        if g is not None:
            general[i].append(g)
        if t is not None:
            tasks[i].append(t)
        if g is not None and t is not None:
            totals[i].append(g + t)
    out = []
    for i, (subject, count) in enumerate(zip(subjects, raters, strict=True)):
        counts = levels[i] or ({Level.completed.value: count} if count else {})
        out.append(SubjectInput(unit=subject.unit, levels=counts, general=general[i],
                                tasks=tasks[i], totals=totals[i]))
    return out


def recount(ballot_file: AppraisalFile) -> AppraisalResult:
    """The tally computed from the file alone, with the round's own rules."""
    rules = ballot_file.rules
    return tally_appraisal(
        subject_inputs(ballot_file.subjects, ballot_file.raters, ballot_file.lines),
        min_raters=rules.min_raters,
        quota_percent=rules.quota_percent,
        quota_group=rules.quota_group,
    )


def recount_document(ballot_file: AppraisalFile) -> dict[str, Any]:
    """The recount of a version 1 file as the same JSON object as ``survey tally --format
    json`` (comments ``null``; ``round.status`` is ``"closed"``)."""
    return tally_document(
        round_info=recount_round(ballot_file.round, KIND), rules=ballot_file.rules,
        summoned=ballot_file.summoned, present=ballot_file.present, issued=ballot_file.issued,
        collected=ballot_file.collected, subjects=ballot_file.subjects,
        result=recount(ballot_file),
    )
