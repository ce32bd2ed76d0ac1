"""The nomination round's tally, and its JSON and CSV (formats in docs/nomination.md)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.documents.csv import csv_text
from survey.i18n import _
from survey.kinds.counts import mark_counts, round_figures
from survey.kinds.info import columns, head_lines, round_info
from survey.kinds.nomination.models import InvalidLine, WriteIn, positions_of
from survey.rounds.models import Round
from survey.tally import nomination as nom
from survey.tally import recount_kinds as rk


def nomination_counts(session: Session, round_: Round) -> list[nom.PositionCounts]:
    """Agrees per candidate, write-ins and invalid lines per position, in ballot order."""
    agrees = mark_counts(session, round_.id)
    position_ids = [p.id for p in positions_of(round_)]
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
        for p in positions_of(round_)
    ]


def nomination_result(session: Session, round_: Round) -> nom.RoundResult:
    return nom.tally_round(
        round_figures(session, round_),
        nomination_counts(session, round_),
        min_ballots=round_.min_ballots,
    )


def position_entries(round_: Round) -> list[rk.PositionEntry]:
    """A nomination round's positions and candidates, as the pure code lists them."""
    return [
        rk.PositionEntry(
            order=p.order, title=p.title, seats=p.seats, write_ins=p.allow_write_ins,
            candidates=tuple(rk.CandidateEntry(s.order, s.name, s.position)
                             for s in round_.subjects if s.position_id == p.id),
        )
        for p in positions_of(round_)
    ]


def nomination_json(round_: Round, result: nom.RoundResult) -> dict[str, Any]:
    return rk.nomination_document(round_info(round_), position_entries(round_), result)


def _verdict(item: dict[str, Any]) -> str:
    if item["nominated"]:
        return _("Được giới thiệu")
    if item["tied"]:
        return _("Bằng phiếu ở vị trí cuối")
    return ""


def nomination_csv(data: dict[str, Any]) -> str:
    """One row per candidate and written-in name (UTF-8 text; the caller adds a BOM)."""
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
    return csv_text(rows)




def recount_text(data: dict[str, Any]) -> str:
    """A nomination round's recount as plain tables, for reading on screen."""
    out = head_lines(data)
    for position in data["positions"]:
        out.append(_("%(order)s. %(title)s (tối đa %(seats)s người)", order=position["order"],
                     title=position["title"], seats=position["seats"]))
        if position["valid"] is None:
            out.append("   —")
            continue
        rows = [[_("TT"), _("Họ và tên"), _("Đồng ý"), "%", _("Kết quả")]]
        for item in position["candidates"] + position["write_ins"]:
            verdict = "nominated" if item["nominated"] else ("tied" if item["tied"] else "")
            rows.append([str(item.get("order", "+")), item["name"], str(item["votes"]),
                         item["percent"], verdict])
        out += ["   " + line for line in columns(rows, left=(1, 4))]
        out.append("   " + _("Phiếu hợp lệ %(valid)s, không hợp lệ %(invalid)s.",
                             valid=position["valid"], invalid=position["invalid"]))
    for warning in data["warnings"]:
        out.append(_("Lưu ý: %(name)s được giới thiệu cho hơn 3 chức danh.",
                     name=warning["name"]))
    return "\n".join(out) + "\n"
