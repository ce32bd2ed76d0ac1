"""The ballot file of a closed appraisal round, and the recount from that file alone.

Writer and reader side by side, as :mod:`survey.tally.recount` does for the poll; see
docs/appraisal.md, "Ballot file". The file is JSON Lines (UTF-8): a header line, then one line
per *rated line* of a ballot, ``[subject order, level, general score, tasks score]`` (a score not
given is ``null``). A skipped subject has no line.

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
    QuotaGroup,
    Stats,
    SubjectInput,
    tally_appraisal,
)
from survey.tally.files import FORMAT, VERSION, RecountError, header_count, json_line, read_file
from survey.tally.recount import SubjectEntry

KIND = "appraisal"
LEVELS = tuple(level.value for level in Level)

#: One rated line: subject order (1-based), level, general score, tasks score.
RatedLine = tuple[int, str, int | None, int | None]


@dataclass(frozen=True)
class Rules:
    """The round's frozen rules that the tally needs."""

    min_raters: int = 3
    quota_percent: int = 20
    quota_group: str = QuotaGroup.round.value
    same_unit_only: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_raters": self.min_raters,
            "quota_percent": self.quota_percent,
            "quota_group": self.quota_group,
            "same_unit_only": self.same_unit_only,
        }


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
    """The file's bytes: the header, then ``lines`` in the order given.

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
        "version": VERSION,
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


def _bad(name: str) -> RecountError:
    return RecountError("bad_header", f"header field {name!r} is wrong", field=name)


def _rules(value: Any) -> Rules:
    if not isinstance(value, dict) or set(value) != {
        "min_raters", "quota_percent", "quota_group", "same_unit_only"
    }:
        raise _bad("rules")
    min_raters = header_count(value["min_raters"], "rules")
    quota = header_count(value["quota_percent"], "rules")
    assert min_raters is not None and quota is not None
    group = value["quota_group"]
    if min_raters < 1 or not isinstance(group, str) or group not in {g.value for g in QuotaGroup}:
        raise _bad("rules")
    if not isinstance(value["same_unit_only"], bool):
        raise _bad("rules")
    return Rules(min_raters, quota, value["quota_group"], value["same_unit_only"])


def _raters(item: dict[str, Any], min_raters: int) -> tuple[int | None, bool]:
    """A subject's rater count in the header, and whether it is below the minimum: ``null``
    is (the count is not given); a file written before gives the count in every case."""
    if "raters" in item and item["raters"] is None:
        return None, True
    count = header_count(item.get("raters"), "subjects")
    assert count is not None
    return count, count < min_raters


def _score(value: Any, top: int) -> bool:
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top
    )


def decode(data: bytes) -> AppraisalFile:
    """Read an appraisal ballot file, checking every line.

    :raises RecountError: if the file is not a well-formed appraisal ballot file.
    """
    header, rows = read_file(data)
    if header.get("kind") != KIND:
        raise RecountError("bad_kind", "unknown kind of round", kind=header.get("kind"))
    if header.get("levels") != list(LEVELS):
        raise _bad("levels")
    round_info = header.get("round")
    if not isinstance(round_info, dict):
        raise _bad("round")
    rules = _rules(header.get("rules"))
    raw_subjects = header.get("subjects")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        raise _bad("subjects")
    subjects: list[SubjectEntry] = []
    raters: list[int | None] = []
    for number, item in enumerate(raw_subjects, start=1):
        if (
            not isinstance(item, dict)
            or item.get("order") != number
            or not all(isinstance(item.get(key), str) for key in ("name", "position", "unit"))
        ):
            raise _bad("subjects")
        count, below = _raters(item, rules.min_raters)
        if item.get("suppressed") is not below:
            raise _bad("subjects")
        subjects.append(SubjectEntry(number, item["name"], item["position"], item["unit"]))
        raters.append(count)
    issued = header_count(header.get("issued"), "issued")
    collected = header_count(header.get("collected"), "collected")
    expected = header_count(header.get("lines"), "lines")
    assert issued is not None and collected is not None and expected is not None
    summoned = header_count(header.get("summoned"), "summoned", optional=True)
    present = header_count(header.get("present"), "present", optional=True)

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
            raise _bad("subjects")
    return AppraisalFile(
        round=round_info, summoned=summoned, present=present, issued=issued,
        collected=collected, rules=rules, subjects=tuple(subjects), raters=tuple(raters),
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


# -- the tally JSON: one builder for `survey tally` and `survey recount` ------------------------


def _dec(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _stats(stats: Stats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {"count": stats.count, "mean": _dec(stats.mean), "median": _dec(stats.median)}


def tally_document(
    *,
    round_info: Mapping[str, Any],
    rules: Rules,
    summoned: int | None,
    present: int | None,
    issued: int,
    collected: int,
    subjects: Sequence[SubjectEntry],
    result: AppraisalResult,
    comments: Sequence[Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The tally of an appraisal round as plain JSON types (docs/appraisal.md).

    ``comments`` (one sequence per subject) is ``None`` for a recount: the file has none, and
    every subject's ``comments`` is then ``null``.
    """
    items = []
    for index, (s, r) in enumerate(zip(subjects, result.subjects, strict=True)):
        item: dict[str, Any] = {
            "order": s.order, "name": s.name, "position": s.position, "unit": s.unit,
            "raters": r.raters, "suppressed": r.suppressed,
        }
        if r.suppressed:  # no figure at all, not even how many rated (``raters`` is null)
            item.update(counts=None, percent=None, general=None, tasks=None, total=None,
                        median_level=None, majority=None, majority_tied=None, comments=None)
        else:
            assert r.counts is not None and r.percent is not None
            item.update(
                counts=dict(r.counts),
                percent={key: _dec(value) for key, value in r.percent.items()},
                general=_stats(r.general),
                tasks=_stats(r.tasks),
                total=_stats(r.total),
                median_level=r.median_level.value if r.median_level else None,
                majority=[level.value for level in r.majority],
                majority_tied=r.tied,
                comments=None if comments is None else list(comments[index]),
            )
        items.append(item)
    cohort = result.cohort
    return {
        "round": dict(round_info),
        "rules": rules.as_dict(),
        "summoned": summoned,
        "present": present,
        "issued": issued,
        "collected": collected,
        "subjects_shown": result.shown,
        "subjects_suppressed": result.suppressed,
        "subjects": items,
        "quota": [
            {
                "group": q.group or None,
                "excellent": q.excellent,
                "good": q.good,
                "quota_percent": q.quota_percent,
                "allowed": q.allowed,
                "share": _dec(q.share),
                "breach": q.breach,
            }
            for q in result.quota
        ],
        "cohort": {
            "subjects": cohort.subjects,
            "undecided": cohort.undecided,
            "completed_or_better": cohort.completed_or_better,
            "good_or_better": cohort.good_or_better,
            "excellent": cohort.excellent,
            "percent": {key: _dec(value) for key, value in cohort.percent.items()},
        },
    }


def recount_document(ballot_file: AppraisalFile) -> dict[str, Any]:
    """The recount as the same JSON object as ``survey tally --format json`` (comments
    ``null``; ``round.status`` is ``"closed"``, the state in which the count was made)."""
    info = ballot_file.round
    round_info = {
        "id": info.get("id"),
        "title": info.get("title"),
        "body": info.get("body"),
        "kind": KIND,
        "status": "closed",
        "place": info.get("place"),
        "date": info.get("date"),
    }
    return tally_document(
        round_info=round_info, rules=ballot_file.rules, summoned=ballot_file.summoned,
        present=ballot_file.present, issued=ballot_file.issued,
        collected=ballot_file.collected, subjects=ballot_file.subjects,
        result=recount(ballot_file),
    )
