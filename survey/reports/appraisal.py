"""An appraisal round's figures from the database, as JSON and CSV (see docs/appraisal.md).

The database counts and lists (``GROUP BY`` on levels; the scores of each subject, which a
median needs one by one); :mod:`survey.tally.appraisal` turns them into ratings. Nothing about
a subject rated by fewer than the round's minimum leaves this module: no figure, no comment.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.appraisal.models import AppraisalMark, Comment
from survey.i18n import _
from survey.reports.export import round_info
from survey.reports.queries import collected, issued
from survey.rounds.models import Round, Subject
from survey.tally.appraisal import (
    AppraisalResult,
    Level,
    Stats,
    SubjectInput,
    SubjectRating,
    tally_appraisal,
)


def level_label(level: Level | str) -> str:
    return {
        Level.excellent: _("Hoàn thành xuất sắc nhiệm vụ"),
        Level.good: _("Hoàn thành tốt nhiệm vụ"),
        Level.completed: _("Hoàn thành nhiệm vụ"),
        Level.failed: _("Không hoàn thành nhiệm vụ"),
    }[Level(level)]


def subject_inputs(session: Session, round_: Round) -> list[SubjectInput]:
    """Each subject's level counts and scores, in ballot order."""
    ids = [s.id for s in round_.subjects]
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    general: dict[int, list[int]] = defaultdict(list)
    tasks: dict[int, list[int]] = defaultdict(list)
    totals: dict[int, list[int]] = defaultdict(list)
    if ids:
        for subject_id, level, n in session.execute(
            select(AppraisalMark.subject_id, AppraisalMark.level, func.count())
            .where(AppraisalMark.subject_id.in_(ids))
            .group_by(AppraisalMark.subject_id, AppraisalMark.level)
        ):
            levels[subject_id][level] = n
        for subject_id, g, t in session.execute(
            select(AppraisalMark.subject_id, AppraisalMark.score_general,
                   AppraisalMark.score_tasks)
            .where(AppraisalMark.subject_id.in_(ids),
                   (AppraisalMark.score_general.is_not(None))
                   | (AppraisalMark.score_tasks.is_not(None)))
        ):
            if g is not None:
                general[subject_id].append(g)
            if t is not None:
                tasks[subject_id].append(t)
            if g is not None and t is not None:  # a total only when both scores are given
                totals[subject_id].append(g + t)
    return [
        SubjectInput(unit=s.unit, levels=levels[s.id], general=general[s.id],
                     tasks=tasks[s.id], totals=totals[s.id])
        for s in round_.subjects
    ]


def appraisal_result(session: Session, round_: Round) -> AppraisalResult:
    return tally_appraisal(
        subject_inputs(session, round_),
        min_raters=round_.min_raters,
        quota_percent=round_.quota_percent,
        quota_group=round_.quota_group,
    )


def shown_comments(session: Session, round_: Round,
                   result: AppraisalResult) -> dict[int, list[str]]:
    """The comments on shown subjects only, in the order of their random ids (random order)."""
    shown = [s.id for s, r in zip(round_.subjects, result.subjects, strict=True)
             if not r.suppressed]
    comments: dict[int, list[str]] = defaultdict(list)
    if shown:
        for subject_id, text in session.execute(
            select(Comment.subject_id, Comment.text)
            .where(Comment.round_id == round_.id, Comment.subject_id.in_(shown))
            .order_by(Comment.id)
        ):
            comments[subject_id].append(text)
    return comments


@dataclass(frozen=True)
class AppraisalLine:
    subject: Subject
    rating: SubjectRating
    comments: tuple[str, ...]


@dataclass(frozen=True)
class AppraisalReport:
    """What every output of an appraisal round shows, gathered once."""

    round: Round
    issued: int
    collected: int
    result: AppraisalResult
    lines: tuple[AppraisalLine, ...]


def build_appraisal(session: Session, round_: Round) -> AppraisalReport:
    result = appraisal_result(session, round_)
    comments = shown_comments(session, round_, result)
    return AppraisalReport(
        round=round_,
        issued=issued(session, round_.id),
        collected=collected(session, round_.id),
        result=result,
        lines=tuple(
            AppraisalLine(subject, rating, tuple(comments.get(subject.id, ())))
            for subject, rating in zip(round_.subjects, result.subjects, strict=True)
        ),
    )


# -- JSON and CSV ---------------------------------------------------------------------------------


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _stats(stats: Stats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {"count": stats.count, "mean": _dec(stats.mean), "median": _dec(stats.median)}


def _subject_json(line: AppraisalLine) -> dict[str, Any]:
    s, r = line.subject, line.rating
    item: dict[str, Any] = {
        "order": s.order,
        "name": s.name,
        "position": s.position,
        "unit": s.unit,
        "raters": r.raters,
        "suppressed": r.suppressed,
    }
    if r.suppressed:
        # the rater count is kept (it says only that the minimum was not reached)
        item.update(counts=None, percent=None, general=None, tasks=None, total=None,
                    median_level=None, majority=None, majority_tied=None, comments=None)
        return item
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
        comments=list(line.comments),
    )
    return item


def appraisal_json(report: AppraisalReport) -> dict[str, Any]:
    """The tally of an appraisal round as plain JSON types (docs/appraisal.md)."""
    round_, result = report.round, report.result
    cohort = result.cohort
    return {
        "round": round_info(round_),
        "rules": {
            "min_raters": result.min_raters,
            "quota_percent": result.quota_percent,
            "quota_group": result.quota_group.value,
            "same_unit_only": bool(round_.same_unit_only),
        },
        "summoned": round_.summoned,
        "present": round_.present,
        "issued": report.issued,
        "collected": report.collected,
        "subjects_shown": result.shown,
        "subjects_suppressed": result.suppressed,
        "subjects": [_subject_json(line) for line in report.lines],
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


def appraisal_csv(report: AppraisalReport) -> str:
    """One row per subject; suppressed subjects have empty figure cells (UTF-8, CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Số người đánh giá")]
    for level in Level:
        header += [level_label(level), _("%(level)s (%%)", level=level_label(level))]
    header += [
        _("Điểm chung: trung bình"), _("Điểm chung: trung vị"),
        _("Điểm nhiệm vụ: trung bình"), _("Điểm nhiệm vụ: trung vị"),
        _("Tổng điểm: trung bình"), _("Tổng điểm: trung vị"),
        _("Mức theo trung vị tổng điểm"), _("Mức đa số"), _("Ghi chú"),
    ]
    writer.writerow(header)
    for item in appraisal_json(report)["subjects"]:
        row: list[Any] = [item["order"], item["name"], item["position"], item["unit"],
                          item["raters"]]
        if item["suppressed"]:
            row += [""] * (2 * len(Level) + 8)
            row.append(_("Dưới số người đánh giá tối thiểu: không hiện số liệu"))
        else:
            for level in Level:
                row += [item["counts"][level.value], item["percent"][level.value]]
            for key in ("general", "tasks", "total"):
                row += [item[key]["mean"] or "", item[key]["median"] or ""]
            row.append(level_label(item["median_level"]) if item["median_level"] else "")
            row.append(" / ".join(level_label(level) for level in item["majority"]))
            row.append(_("Đồng số phiếu giữa các mức") if item["majority_tied"] else "")
        writer.writerow(row)
    return out.getvalue()
