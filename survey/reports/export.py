"""A round's result as the documented JSON object and as CSV (see docs/formats.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

from survey.i18n import _
from survey.kinds.confidence import BAND_LABELS, LEVEL_LABELS
from survey.rounds.models import Round
from survey.tally.confidence import Band, Level, RoundResult
from survey.tally.recount import BallotSources, SubjectEntry, tally_document

#: What a spreadsheet takes for the start of a formula (CSV injection): a name typed by a voter
#: or an organizer must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A CSV cell: ``None`` as empty, and text that a spreadsheet would run as a formula
    (``=HYPERLINK(…)``) with a leading apostrophe, as Excel itself writes it."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def level_label(level: Level) -> str:
    return str(LEVEL_LABELS[level])


def subject_entries(round_: Round) -> list[SubjectEntry]:
    """The round's subjects in ballot order, as the pure tally code lists them."""
    return [SubjectEntry(s.order, s.name, s.position, s.unit) for s in round_.subjects]


def round_info(round_: Round) -> dict[str, Any]:
    """The ``round`` object of the tally JSON."""
    return {
        "id": round_.id,
        "title": round_.title,
        "body": round_.body,
        "kind": round_.kind,
        "status": round_.state.value,
        "place": round_.place,
        "date": round_.held_on.isoformat() if round_.held_on else None,
    }


def file_round_info(round_: Round) -> dict[str, Any]:
    """The ``round`` object of a ballot file's header: only what is frozen at the close, so
    that the file's bytes (and its fingerprint in the minutes) never change."""
    return {
        "id": round_.id,
        "title": round_.title,
        "body": round_.body,
        "place": round_.place,
        "date": round_.held_on.isoformat() if round_.held_on else None,
    }


def result_json(
    round_: Round, result: RoundResult, sources: BallotSources | None = None
) -> dict[str, Any]:
    """The round's tally as plain JSON types; percentages are strings with 2 decimals.

    Built by :func:`survey.tally.recount.tally_document`, as ``survey recount`` builds its own.
    """
    return tally_document(round_info(round_), subject_entries(round_), result, sources)


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
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
