"""Results of the confidence vote (``no_confidence``) and of nomination rounds.

Counts come from the database in a few ``GROUP BY`` queries; the pure tallies in
:mod:`survey.tally.no_confidence` and :mod:`survey.tally.nomination` turn them into figures;
the JSON and CSV documents are built here (formats in docs/nomination.md). A confidence poll
goes through :mod:`survey.kinds.counts` and :mod:`survey.reports.export` as before.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.i18n import _, _l
from survey.kinds.confidence import confidence_result
from survey.kinds.counts import ballot_sources, mark_counts, round_figures
from survey.kinds.no_confidence import LEVEL_LABELS as NO_CONFIDENCE_LABELS
from survey.kinds.nomination.models import InvalidLine, WriteIn
from survey.reports.export import cell, result_csv, result_json, round_info, subject_entries
from survey.rounds.models import Round
from survey.tally import no_confidence as nc
from survey.tally import nomination as nom
from survey.tally import recount_kinds as rk

#: The kinds whose results this module computes.
KINDS = frozenset({"no_confidence", "nomination"})

#: What a "không tín nhiệm" majority means (DOMAIN.md, confidence vote).
DISMISSAL = _l("Đề nghị miễn nhiệm")
DISMISSAL_CONSEQUENCE = _l(
    "Trên 1/2 tổng số phiếu thu về không tín nhiệm: cơ quan, người có thẩm quyền giới thiệu "
    "đề nghị miễn nhiệm."
)


# -- counts -----------------------------------------------------------------------------------


def no_confidence_result(session: Session, round_: Round) -> nc.RoundResult:
    counts = mark_counts(session, round_.id)
    return nc.tally_round(
        round_figures(session, round_),
        [nc.SubjectCounts.from_mapping(counts.get(s.id, {})) for s in round_.subjects],
        min_ballots=round_.min_ballots,
    )


def nomination_counts(session: Session, round_: Round) -> list[nom.PositionCounts]:
    """Agrees per candidate, write-ins and invalid lines per position, in ballot order."""
    agrees = mark_counts(session, round_.id)
    position_ids = [p.id for p in round_.positions]
    write_ins: dict[int, dict[str, int]] = defaultdict(dict)
    invalid: dict[int, int] = {}
    if position_ids:
        for position_id, name, n in session.execute(
            select(WriteIn.position_id, WriteIn.name, func.count())
            .where(WriteIn.position_id.in_(position_ids))
            .group_by(WriteIn.position_id, WriteIn.name)
        ):
            write_ins[position_id][name] = n
        invalid = dict(
            session.execute(
                select(InvalidLine.position_id, func.count())
                .where(InvalidLine.position_id.in_(position_ids))
                .group_by(InvalidLine.position_id)
            ).all()
        )
    return [
        nom.PositionCounts(
            title=p.title,
            seats=p.seats,
            candidates=tuple(
                nom.CandidateCounts(s.name, agrees.get(s.id, {}).get("agree", 0), s.position)
                for s in round_.subjects
                if s.position_id == p.id
            ),
            write_ins=write_ins.get(p.id, {}),
            invalid=invalid.get(p.id, 0),
        )
        for p in round_.positions
    ]


def nomination_result(session: Session, round_: Round) -> nom.RoundResult:
    return nom.tally_round(
        round_figures(session, round_),
        nomination_counts(session, round_),
        min_ballots=round_.min_ballots,
    )


def kind_result(session: Session, round_: Round) -> Any:
    """The tally of a round of any kind."""
    if round_.kind == "no_confidence":
        return no_confidence_result(session, round_)
    if round_.kind == "nomination":
        return nomination_result(session, round_)
    return confidence_result(session, round_)


# -- JSON -----------------------------------------------------------------------------------------


def no_confidence_json(round_: Round, result: nc.RoundResult) -> dict[str, Any]:
    return rk.no_confidence_document(round_info(round_), subject_entries(round_), result)


def position_entries(round_: Round) -> list[rk.PositionEntry]:
    """A nomination round's positions and candidates, as the pure code lists them."""
    return [
        rk.PositionEntry(
            order=p.order, title=p.title, seats=p.seats, write_ins=p.allow_write_ins,
            candidates=tuple(rk.CandidateEntry(s.order, s.name, s.position)
                             for s in round_.subjects if s.position_id == p.id),
        )
        for p in round_.positions
    ]


def nomination_json(round_: Round, result: nom.RoundResult) -> dict[str, Any]:
    return rk.nomination_document(round_info(round_), position_entries(round_), result)


def tally_json(session: Session, round_: Round) -> dict[str, Any]:
    """``survey tally --format json`` and ``results.json`` of a round of any kind."""
    result = kind_result(session, round_)
    if round_.kind == "no_confidence":
        return no_confidence_json(round_, result)
    if round_.kind == "nomination":
        return nomination_json(round_, result)
    return result_json(round_, result, ballot_sources(session, round_))


# -- CSV ------------------------------------------------------------------------------------------


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def no_confidence_csv(round_: Round, data: dict[str, Any]) -> str:
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in nc.Level:
        label = str(NO_CONFIDENCE_LABELS[level])
        header += [label, _("%(level)s (%%)", level=label)]
    header.append(_("Kết luận"))
    rows = [header]
    for item in data["subjects"]:
        row = [item["order"], item["name"], item["position"], item["unit"], item["issued"],
               item["collected"], item["valid"], item["invalid"]]
        for level in nc.Level:
            counts, percent = item["counts"] or {}, item["percent"] or {}
            row += [counts.get(level.value), percent.get(level.value)]
        row.append(str(DISMISSAL) if item["dismissal"] else "")
        rows.append(row)
    return _csv(rows)


def _verdict(item: dict[str, Any]) -> str:
    if item["nominated"]:
        return _("Được giới thiệu")
    if item["tied"]:
        return _("Bằng phiếu ở vị trí cuối")
    return ""


def nomination_csv(round_: Round, data: dict[str, Any]) -> str:
    rows = [[_("Chức danh quy hoạch"), _("Số người quy hoạch tối đa"), _("STT"), _("Họ và tên"),
             _("Chức vụ hiện tại"), _("Ghi thêm"), _("Số phiếu đồng ý"),
             _("Tỷ lệ phần trăm trên số người được triệu tập"), _("Kết quả"),
             _("Phiếu không hợp lệ của chức danh")]]
    for position in data["positions"]:
        head = [position["title"], position["seats"]]
        for item in position["candidates"]:
            rows.append([*head, item["order"], item["name"], item["current_position"], "",
                         item["votes"], item["percent"], _verdict(item), position["invalid"]])
        for item in position["write_ins"] or []:
            rows.append([*head, "", item["name"], "", _("có"), item["votes"], item["percent"],
                         _verdict(item), position["invalid"]])
    return _csv(rows)


def tally_csv(session: Session, round_: Round) -> str:
    """One row per subject (per candidate and write-in for nominations), UTF-8 text."""
    if round_.kind == "no_confidence":
        return no_confidence_csv(round_, tally_json(session, round_))
    if round_.kind == "nomination":
        return nomination_csv(round_, tally_json(session, round_))
    return result_csv(round_, confidence_result(session, round_))


def page_labels() -> dict[str, Any]:
    """What the kinds' table templates need besides the result (and ``number``)."""
    return {
        "nc_levels": list(nc.Level),
        "nc_labels": NO_CONFIDENCE_LABELS,
        "dismissal": DISMISSAL,
        "consequence": DISMISSAL_CONSEQUENCE,
    }
