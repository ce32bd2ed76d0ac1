"""What every kind's tally JSON and ballot file say about the round (docs/formats.md)."""

from __future__ import annotations

from typing import Any

from survey.i18n import _
from survey.rounds.models import Round
from survey.tally.recount import SubjectEntry


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


def head_lines(data: dict[str, Any]) -> list[str]:
    """The first lines of a recount read on screen: the round, attendance and ballots."""
    lines = [
        _("Đợt số %(id)s: %(title)s", id=data["round"]["id"], title=data["round"]["title"]),
        _("Triệu tập %(s)s, có mặt %(p)s, phiếu phát ra %(i)s, phiếu thu về %(c)s; tỷ lệ tính "
          "trên %(d)s.", s=data["summoned"], p=data["present"], i=data["issued"],
          c=data["collected"], d=data["denominator_value"]),
    ]
    if data.get("invalid_ballots") is not None:  # kinds whose validity is per ballot
        lines.append(_("Phiếu hợp lệ %(v)s, phiếu không hợp lệ (không đánh dấu dòng nào) "
                       "%(n)s.", v=data["collected"] - data["invalid_ballots"],
                       n=data["invalid_ballots"]))
    return [*lines, ""]


def columns(rows: list[list[str]], *, left: tuple[int, ...]) -> list[str]:
    """Rows as aligned text: the ``left`` columns flush left, the others flush right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
                      for i, cell in enumerate(row)).rstrip() for row in rows]
