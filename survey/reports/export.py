"""A round's result as the documented JSON object and as CSV (see docs/formats.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

from survey.i18n import _, _l
from survey.rounds.models import Round
from survey.tally.confidence import Band, Level, RoundResult

LEVEL_LABELS = {
    Level.high: _l("Tín nhiệm cao"),
    Level.confidence: _l("Tín nhiệm"),
    Level.low: _l("Tín nhiệm thấp"),
}


BAND_LABELS = {
    Band.over_half_low: _l("Trên 1/2 đến dưới 2/3 tín nhiệm thấp"),
    Band.two_thirds_low: _l("Từ 2/3 trở lên tín nhiệm thấp"),
}


def level_label(level: Level) -> str:
    return str(LEVEL_LABELS[level])


def result_json(round_: Round, result: RoundResult) -> dict[str, Any]:
    """The round's tally as plain JSON types; percentages are strings with 2 decimals."""
    figures = result.figures
    subjects = []
    for index, subject in enumerate(round_.subjects):
        item: dict[str, Any] = {
            "order": subject.order,
            "name": subject.name,
            "position": subject.position,
            "unit": subject.unit,
            "issued": figures.issued,
            "collected": figures.collected,
        }
        if result.suppressed:
            item.update(valid=None, invalid=None, counts=None, percent=None, band=None)
        else:
            line = result.subjects[index]
            item.update(
                valid=line.valid,
                invalid=line.invalid,
                counts=line.counts.as_dict(),
                percent={key: str(value) for key, value in line.percent.items()},
                band=line.band.value if line.band else None,
            )
        subjects.append(item)
    return {
        "round": {
            "id": round_.id,
            "title": round_.title,
            "body": round_.body,
            "kind": round_.kind,
            "status": round_.state.value,
            "place": round_.place,
            "date": round_.held_on.isoformat() if round_.held_on else None,
        },
        "summoned": figures.summoned,
        "present": figures.present,
        "absent": round_.absent,
        "quorum": round_.has_quorum,
        "issued": figures.issued,
        "collected": figures.collected,
        "denominator": result.denominator.value,
        "denominator_value": result.base,
        "min_ballots": result.min_ballots,
        "suppressed": result.suppressed,
        "subjects": subjects,
    }


def result_csv(round_: Round, result: RoundResult) -> str:
    """One row per subject; UTF-8 text (the caller adds a BOM for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in Level:
        header += [level_label(level), _("%(level)s (%%)", level=level_label(level))]
    header.append(_("Ngưỡng"))
    writer.writerow(header)
    data = result_json(round_, result)
    for item in data["subjects"]:
        row = [item["order"], item["name"], item["position"], item["unit"],
               item["issued"], item["collected"], item["valid"], item["invalid"]]
        for level in Level:
            counts = item["counts"] or {}
            percent = item["percent"] or {}
            row += [counts.get(level.value, ""), percent.get(level.value, "")]
        row.append(str(BAND_LABELS[Band(item["band"])]) if item["band"] else "")
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
