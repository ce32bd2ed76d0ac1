"""An appraisal round's figures from the database, as JSON and CSV (see docs/appraisal.md).

The database counts and lists (``GROUP BY`` on levels; the scores of each subject, which a
median needs one by one); :mod:`survey.tally.appraisal` turns them into ratings. Nothing about
a subject rated by fewer than the round's minimum leaves this module: no figure, no comment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.documents.csv import csv_text
from survey.i18n import _
from survey.kinds.appraisal.models import AppraisalMark, Comment
from survey.kinds.counts import ballot_sources, collected, issued
from survey.kinds.info import round_info, subject_entries
from survey.rounds.models import Round, Subject
from survey.tally.appraisal import (
    AppraisalResult,
    Level,
    SubjectInput,
    SubjectRating,
    tally_appraisal,
)
from survey.tally.appraisal_file import Rules, tally_document


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
    #: Of the forms collected, those on paper (identical forms that list their holder's line).
    paper: int = 0


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
        paper=ballot_sources(session, round_).paper,
    )


# -- JSON and CSV ---------------------------------------------------------------------------------


def rules_of(round_: Round) -> Rules:
    return Rules(min_raters=round_.min_raters, quota_percent=round_.quota_percent,
                 quota_group=round_.quota_group, same_unit_only=bool(round_.same_unit_only))


def appraisal_json(report: AppraisalReport) -> dict[str, Any]:
    """The tally of an appraisal round as plain JSON types (docs/appraisal.md).

    Built by :func:`survey.tally.appraisal_file.tally_document`, as ``survey recount``
    builds its own from the ballot file.
    """
    round_ = report.round
    return tally_document(
        round_info=round_info(round_),
        rules=rules_of(round_),
        summoned=round_.summoned,
        present=round_.present,
        issued=report.issued,
        collected=report.collected,
        subjects=subject_entries(round_),
        result=report.result,
        comments=[line.comments for line in report.lines],
    )


def appraisal_csv(report: AppraisalReport) -> str:
    """One row per subject; a suppressed subject has empty figure cells, its rater count
    too (UTF-8, CRLF)."""
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Số người đánh giá")]
    for level in Level:
        header += [level_label(level), _("%(level)s (%%)", level=level_label(level))]
    header += [
        _("Điểm chung: trung bình"), _("Điểm chung: trung vị"),
        _("Điểm nhiệm vụ: trung bình"), _("Điểm nhiệm vụ: trung vị"),
        _("Tổng điểm: trung bình"), _("Tổng điểm: trung vị"),
        _("Mức theo trung vị tổng điểm"), _("Mức đa số"), _("Ghi chú"),
    ]
    rows: list[list[Any]] = [header]
    for item in appraisal_json(report)["subjects"]:
        row: list[Any] = [item["order"], item["name"], item["position"], item["unit"]]
        if item["suppressed"]:  # not even how many rated
            row += [""] * (2 * len(Level) + 9)
            row.append(_("Dưới số người đánh giá tối thiểu: không hiện số liệu"))
        else:
            row.append(item["raters"])
            for level in Level:
                row += [item["counts"][level.value], item["percent"][level.value]]
            for key in ("general", "tasks", "total"):
                row += [item[key]["mean"] or "", item[key]["median"] or ""]
            row.append(level_label(item["median_level"]) if item["median_level"] else "")
            row.append(" / ".join(level_label(level) for level in item["majority"]))
            row.append(_("Đồng số phiếu giữa các mức") if item["majority_tied"] else "")
        rows.append(row)
    return csv_text(rows)
