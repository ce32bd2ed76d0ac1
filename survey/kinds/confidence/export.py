"""A closed poll's result as the documented JSON object and as CSV (see docs/formats.md)."""

from __future__ import annotations

from typing import Any

from survey.documents.csv import csv_text
from survey.i18n import _
from survey.kinds.confidence.labels import BAND_LABELS, LEVEL_LABELS
from survey.kinds.info import columns, head_lines, round_info, subject_entries
from survey.rounds.models import Round
from survey.tally.confidence import Band, Level, RoundResult
from survey.tally.recount import BallotSources, tally_document


def result_json(
    round_: Round, result: RoundResult, sources: BallotSources | None = None,
    invalid_ballots: int | None = None,
) -> dict[str, Any]:
    """The round's tally as plain JSON types; percentages are strings with 2 decimals.

    Built by :func:`survey.tally.recount.tally_document`, as ``survey recount`` builds its own.
    """
    return tally_document(round_info(round_), subject_entries(round_), result, sources,
                          invalid_ballots)


def result_csv(round_: Round, result: RoundResult) -> str:
    """One row per subject; UTF-8 text (the caller adds a BOM for Excel)."""
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in Level:
        label = str(LEVEL_LABELS[level])
        header += [label, _("%(level)s (%%)", level=label)]
    header.append(_("Ngưỡng"))
    rows: list[list[Any]] = [header]
    data = result_json(round_, result)
    for item in data["subjects"]:
        row = [item["order"], item["name"], item["position"], item["unit"],
               item["issued"], item["collected"], item["valid"], item["invalid"]]
        for level in Level:
            counts = item["counts"] or {}
            percent = item["percent"] or {}
            row += [counts.get(level.value, ""), percent.get(level.value, "")]
        row.append(str(BAND_LABELS[Band(item["band"])]) if item["band"] else "")
        rows.append(row)
    return csv_text(rows)


def recount_text(data: dict[str, Any]) -> str:
    """A poll's recount as a plain table, for reading on screen."""
    header = [_("STT"), _("Họ và tên"), _("Cao"), "%", _("TN"), "%", _("Thấp"), "%",
              _("KHL"), _("Ngưỡng")]
    rows = [header]
    for item in data["subjects"]:
        if item["counts"] is None:
            rows.append([str(item["order"]), item["name"]] + ["—"] * 8)
            continue
        row = [str(item["order"]), item["name"]]
        for level in ("high", "confidence", "low"):
            row += [str(item["counts"][level]), item["percent"][level]]
        row += [str(item["invalid"]), item["band"] or ""]
        rows.append(row)
    return "\n".join(head_lines(data) + columns(rows, left=(1, 9))) + "\n"
