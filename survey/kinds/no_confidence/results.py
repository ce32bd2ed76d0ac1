"""The confidence vote's tally, and its JSON and CSV (formats in docs/nomination.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from survey.documents.csv import csv_text
from survey.i18n import _, _l
from survey.kinds.base import Label
from survey.kinds.counts import mark_counts, round_figures
from survey.kinds.info import columns, head_lines, round_info, subject_entries
from survey.rounds.models import Round
from survey.tally import no_confidence as nc
from survey.tally import recount_kinds as rk

LEVEL_LABELS: Mapping[str, Label] = {
    nc.Level.confidence: _l("Tín nhiệm"),
    nc.Level.no_confidence: _l("Không tín nhiệm"),
}

#: What a "không tín nhiệm" majority means (docs/rules.md, "Dismissal majority").
DISMISSAL = _l("Đề nghị miễn nhiệm")
DISMISSAL_CONSEQUENCE = _l(
    "Trên 1/2 tổng số phiếu thu về không tín nhiệm: cơ quan, người có thẩm quyền giới thiệu "
    "đề nghị miễn nhiệm."
)


def no_confidence_result(session: Session, round_: Round) -> nc.RoundResult:
    counts = mark_counts(session, round_.id)
    return nc.tally_round(
        round_figures(session, round_),
        [nc.SubjectCounts.from_mapping(counts.get(s.id, {})) for s in round_.subjects],
        min_ballots=round_.min_ballots,
    )


def no_confidence_json(round_: Round, result: nc.RoundResult,
                       invalid_ballots: int | None = None) -> dict[str, Any]:
    return rk.no_confidence_document(round_info(round_), subject_entries(round_), result,
                                     invalid_ballots)


def no_confidence_csv(data: dict[str, Any]) -> str:
    """One row per subject (UTF-8 text; the caller adds a BOM for Excel)."""
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in nc.Level:
        label = str(LEVEL_LABELS[level])
        header += [label, _("%(level)s (%%)", level=label)]
    header.append(_("Kết luận"))
    rows: list[list[Any]] = [header]
    for item in data["subjects"]:
        row = [item["order"], item["name"], item["position"], item["unit"], item["issued"],
               item["collected"], item["valid"], item["invalid"]]
        for level in nc.Level:
            counts, percent = item["counts"] or {}, item["percent"] or {}
            row += [counts.get(level.value), percent.get(level.value)]
        row.append(str(DISMISSAL) if item["dismissal"] else "")
        rows.append(row)
    return csv_text(rows)


def page_labels() -> dict[str, Any]:
    """What the confidence vote's table templates need besides the result (and ``number``)."""
    return {
        "nc_levels": list(nc.Level),
        "nc_labels": LEVEL_LABELS,
        "dismissal": DISMISSAL,
        "consequence": DISMISSAL_CONSEQUENCE,
    }


def recount_text(data: dict[str, Any]) -> str:
    """A confidence vote's recount as a plain table, for reading on screen."""
    rows = [[_("STT"), _("Họ và tên"), _("TN"), "%", _("Không TN"), "%", _("KHL"),
             _("Kết luận")]]
    for item in data["subjects"]:
        if item["counts"] is None:
            rows.append([str(item["order"]), item["name"]] + ["—"] * 6)
            continue
        row = [str(item["order"]), item["name"]]
        for level in ("confidence", "no_confidence"):
            row += [str(item["counts"][level]), item["percent"][level]]
        row += [str(item["invalid"]), "dismissal" if item["dismissal"] else ""]
        rows.append(row)
    return "\n".join(head_lines(data) + columns(rows, left=(1, 7))) + "\n"
