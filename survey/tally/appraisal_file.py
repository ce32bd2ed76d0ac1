"""The ballot file of a closed appraisal round (version 2), the recount from it alone, and the
appraisal's tally document, which ``survey tally`` and ``survey recount`` both build.

The file is JSON Lines (UTF-8): a header line, then one *record* per value a rater gave, each
holding that value and nothing else: ``[subject order, "level", level]`` per rated line (a
skipped line has none), ``[subject order, "general" or "tasks", score]`` per score given, and
``[subject order, "total", general + tasks]`` per line that gave both scores. Every figure of the
tally is per subject and needs only one of these values (the counts of the levels, the means and
medians of each score and of the total), so no record holds a level with the scores of its line,
or two lines of one rater, and a combination a superior dictated to a subordinate (a level with
two unusual scores) cannot be found as such. (A whole ballot would also name its rater: a named
card's ballot leaves out its holder's own line.) The records are in one fixed order, by subject,
then by kind of value (level, general, tasks, total), then by value, so their order says nothing
of the order of casting or of which values came from one line or one ballot. Comments are never
in the file (free text could be a signature). A subject rated by fewer than the minimum has no
record at all, and the header says only that it is below the minimum (``"raters": null``).

Version 1 files (one line per rated line, level and scores together) are still read, by
:mod:`survey.tally.appraisal_recount`. See docs/appraisal.md, "Ballot file".

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from survey.tally.files import (
    FORMAT,
    VERSION,
    RecountError,
    header_count,
    json_line,
    read_file,
    read_records,
    recount_round,
)
from survey.tally.recount import SubjectEntry

KIND = "appraisal"
LEVELS = tuple(level.value for level in Level)
#: What a record can hold, in the order records are written, with each value's range.
FIELDS = ("level", "general", "tasks", "total")
TOP = {"general": GENERAL_MAX, "tasks": TASKS_MAX, "total": GENERAL_MAX + TASKS_MAX}


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


def bad_header(name: str) -> RecountError:
    return RecountError("bad_header", f"header field {name!r} is wrong", field=name)


def read_rules(value: Any) -> Rules:
    """The ``rules`` of an appraisal file's header, checked.

    :raises RecountError: if they are not the round's four rules.
    """
    if not isinstance(value, dict) or set(value) != {
        "min_raters", "quota_percent", "quota_group", "same_unit_only"
    }:
        raise bad_header("rules")
    min_raters = header_count(value["min_raters"], "rules")
    quota = header_count(value["quota_percent"], "rules")
    group = value["quota_group"]
    if min_raters < 1 or not isinstance(group, str) or group not in {g.value for g in QuotaGroup}:
        raise bad_header("rules")
    if not isinstance(value["same_unit_only"], bool):
        raise bad_header("rules")
    return Rules(min_raters, quota, value["quota_group"], value["same_unit_only"])


def _raters(item: Mapping[str, Any], min_raters: int) -> tuple[int | None, bool]:
    """A subject's rater count in the header, and whether it is below the minimum: ``null``
    is (the count is not given); a version 1 file written before that rule gives the count in
    every case."""
    if "raters" in item and item["raters"] is None:
        return None, True
    count = header_count(item.get("raters"), "subjects")
    return count, count < min_raters


@dataclass(frozen=True)
class AppraisalHead:
    """What the header of an appraisal file says, whatever its version, checked."""

    round: Mapping[str, Any]
    summoned: int | None
    present: int | None
    issued: int
    collected: int
    rules: Rules
    subjects: tuple[SubjectEntry, ...]
    #: How many rated each subject; ``None`` below the minimum (the header does not say).
    raters: tuple[int | None, ...]

    def shown(self, order: int) -> bool:
        """Whether the subject at ``order`` (1-based) has the minimum of raters."""
        return (self.raters[order - 1] or 0) >= self.rules.min_raters


def read_head(header: Mapping[str, Any]) -> AppraisalHead:
    """The header of an appraisal file (its kind, levels, round, rules, subjects with their
    raters, and counts), checked.

    :raises RecountError: naming the first field that is wrong.
    """
    if header.get("kind") != KIND:
        raise RecountError("bad_kind", "unknown kind of round", kind=header.get("kind"))
    if header.get("levels") != list(LEVELS):
        raise bad_header("levels")
    round_info = header.get("round")
    if not isinstance(round_info, dict):
        raise bad_header("round")
    rules = read_rules(header.get("rules"))
    raw_subjects = header.get("subjects")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        raise bad_header("subjects")
    subjects: list[SubjectEntry] = []
    raters: list[int | None] = []
    for number, item in enumerate(raw_subjects, start=1):
        if (
            not isinstance(item, dict)
            or item.get("order") != number
            or not all(isinstance(item.get(key), str) for key in ("name", "position", "unit"))
        ):
            raise bad_header("subjects")
        count, below = _raters(item, rules.min_raters)
        if item.get("suppressed") is not below:
            raise bad_header("subjects")
        subjects.append(SubjectEntry(number, item["name"], item["position"], item["unit"]))
        raters.append(count)
    issued = header_count(header.get("issued"), "issued")
    collected = header_count(header.get("collected"), "collected")
    assert issued is not None and collected is not None
    return AppraisalHead(
        round=round_info, rules=rules, subjects=tuple(subjects), raters=tuple(raters),
        issued=issued, collected=collected,
        summoned=header_count(header.get("summoned"), "summoned", optional=True),
        present=header_count(header.get("present"), "present", optional=True),
    )


@dataclass(frozen=True)
class AppraisalRecords:
    """What a version 2 appraisal ballot file holds: its header, and what the records say
    about each subject, in ballot order."""

    head: AppraisalHead
    inputs: tuple[SubjectInput, ...]


def _values(item: SubjectInput) -> list[tuple[str, Any]]:
    """A shown subject's records, ``(field, value)``, in the order they are written."""
    return (
        [("level", level) for level in LEVELS for _ in range(item.levels.get(level, 0))]
        + [("general", g) for g in sorted(item.general)]
        + [("tasks", t) for t in sorted(item.tasks)]
        + [("total", t) for t in sorted(item.totals)]
    )


def _fits(item: SubjectInput) -> bool:
    """Whether a subject's values could come from its raters' lines: one level per rater, at
    most one of each score per line, a total exactly for the lines that gave both."""
    n, g, t, both = item.raters, len(item.general), len(item.tasks), len(item.totals)
    scores = (("general", item.general), ("tasks", item.tasks), ("total", item.totals))
    return (set(item.levels) <= set(LEVELS) and min(item.levels.values(), default=0) >= 0
            and g <= n and t <= n and max(0, g + t - n) <= both <= min(g, t)
            and all(0 <= v <= TOP[field] for field, values in scores for v in values))


def encode(
    *,
    round_info: Mapping[str, Any],
    summoned: int | None,
    present: int | None,
    issued: int,
    collected: int,
    rules: Rules,
    subjects: Sequence[SubjectEntry],
    inputs: Sequence[SubjectInput],
) -> bytes:
    """The file's bytes: the header, then the records of every subject with at least
    ``rules.min_raters`` raters, in their one order.

    ``inputs`` are the tally's own inputs (levels counted, scores and totals listed per
    subject), so the recount of the file is the tally.

    :raises ValueError: if the inputs do not fit the subjects or could not come from lines.
    """
    if len(inputs) != len(subjects) or not all(_fits(item) for item in inputs):
        raise ValueError("the values do not fit the subjects or their raters")
    records = [
        [subject.order, field, value]
        for subject, item in zip(subjects, inputs, strict=True)
        if item.raters >= rules.min_raters
        for field, value in _values(item)
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
        "rules": rules.as_dict(),
        "levels": list(LEVELS),
        "subjects": [
            {"order": s.order, "name": s.name, "position": s.position, "unit": s.unit,
             "raters": item.raters if item.raters >= rules.min_raters else None,
             "suppressed": item.raters < rules.min_raters}
            for s, item in zip(subjects, inputs, strict=True)
        ],
        "records": len(records),
    }
    return json_line(header) + b"".join(json_line(record) for record in records)


def _place(head: AppraisalHead) -> Any:
    """The key of :func:`survey.tally.files.read_records`: a record's place, or ``None``."""
    rank = {level: index for index, level in enumerate(LEVELS)}

    def place(value: Any) -> tuple[int, ...] | None:
        if not isinstance(value, list) or len(value) != 3:
            return None
        order, field, item = value
        if (isinstance(order, bool) or not isinstance(order, int)
                or not 1 <= order <= len(head.subjects) or not head.shown(order)
                or not isinstance(field, str) or field not in FIELDS):
            return None
        if field == "level":
            return (order, 0, rank[item]) if isinstance(item, str) and item in rank else None
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= TOP[field]:
            return None
        return order, FIELDS.index(field), item

    return place


def decode(data: bytes) -> AppraisalRecords:
    """Read a version 2 appraisal ballot file, checking every record.

    :raises RecountError: if the file is not a well-formed appraisal ballot file of the
        version the app writes.
    """
    header, lines = read_file(data)
    head = read_head(header)
    expected = header_count(header.get("records"), "records")
    assert expected is not None
    levels: list[dict[str, int]] = [{} for _ in head.subjects]
    values: list[dict[str, list[int]]] = [{f: [] for f in FIELDS[1:]} for _ in head.subjects]
    for (order, field, value), count in read_records(lines, expected, _place(head)):
        if field == "level":
            levels[order - 1][value] = levels[order - 1].get(value, 0) + count
        else:
            values[order - 1][field] += [value] * count
    inputs = []
    for index, (subject, raters) in enumerate(zip(head.subjects, head.raters, strict=True)):
        if not head.shown(subject.order):
            # no record: the raters under no level that is ever shown (nothing is, below
            # the minimum), so that the tally counts them
            inputs.append(SubjectInput(subject.unit, {Level.completed.value: raters}
                                       if raters else {}))
            continue
        scores = values[index]
        item = SubjectInput(subject.unit, levels[index], general=scores["general"],
                            tasks=scores["tasks"], totals=scores["total"])
        if item.raters != raters or not _fits(item):
            raise bad_header("subjects")
        inputs.append(item)
    return AppraisalRecords(head, tuple(inputs))


def recount(ballot_file: AppraisalRecords) -> AppraisalResult:
    """The tally computed from the file alone, with the round's own rules."""
    rules = ballot_file.head.rules
    return tally_appraisal(ballot_file.inputs, min_raters=rules.min_raters,
                           quota_percent=rules.quota_percent, quota_group=rules.quota_group)


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
            {"group": q.group or None, "excellent": q.excellent, "good": q.good,
             "quota_percent": q.quota_percent, "allowed": q.allowed, "share": _dec(q.share),
             "breach": q.breach}
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


def recount_document(ballot_file: AppraisalRecords) -> dict[str, Any]:
    """The recount as the same JSON object as ``survey tally --format json`` (comments
    ``null``; ``round.status`` is ``"closed"``)."""
    head = ballot_file.head
    return tally_document(
        round_info=recount_round(head.round, KIND), rules=head.rules, summoned=head.summoned,
        present=head.present, issued=head.issued, collected=head.collected,
        subjects=head.subjects, result=recount(ballot_file),
    )
