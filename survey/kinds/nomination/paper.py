"""Paper nomination ballots: the write-ins an entry reads, and storing an agreed ballot.

A paper line is stored exactly as a phone line is
(:func:`survey.kinds.nomination.ballot.store_lines`): the candidates marked Đồng ý, the names
written in, and the position's line invalid when they name more people than it has seats; a
Không đồng ý, blank or over-marked candidate stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from fpdf.fonts import FontFace
from sqlalchemy.orm import Session

from survey.documents.pdf import WIDTH, Document
from survey.documents.text import printed
from survey.errors import InvalidInput
from survey.i18n import _, _l
from survey.kinds.nomination.ballot import AGREE, clean_write_ins, store_lines
from survey.kinds.nomination.models import positions_of
from survey.kinds.paper import PaperLayout, Reading, ballot_table
from survey.rounds.importing import MAX_NAME_LENGTH
from survey.rounds.models import Round
from survey.tally.nomination import clean_name, name_key


def read(round_: Round, reading: Reading, write_ins: Mapping[int, Sequence[str]]) -> Reading:
    """Add the typed write-ins of each position to ``reading``.

    Names are cleaned and the same name (by the tally's key) kept once, in key order, so that
    two people typing "nguyễn văn a" and "Nguyễn Văn A" agree.

    :raises InvalidInput: for a position not on the ballot or without write-ins, more names than
        it has blank lines, or a name too long.
    """
    positions = {p.id: p for p in positions_of(round_)}
    names: dict[int, tuple[str, ...]] = {}
    for pid, values in write_ins.items():
        position = positions.get(pid)
        typed = [v for v in values if clean_name(v)]
        if not typed:
            continue
        if position is None or not position.allow_write_ins:
            raise InvalidInput(_l("Có lựa chọn không thuộc phiếu này."))
        if len(typed) > position.seats:
            raise InvalidInput(
                _l("Chức danh “%(title)s” chỉ có %(n)d dòng ghi thêm tên.",
                   title=position.title, n=position.seats)
            )
        if any(len(clean_name(v)) > MAX_NAME_LENGTH for v in typed):
            raise InvalidInput(_l("Tên ghi thêm dài quá %(max)d ký tự.", max=MAX_NAME_LENGTH))
        names[pid] = tuple(sorted(clean_write_ins(typed), key=name_key))
    return replace(reading, write_ins=names)


def store(session: Session, round_: Round, ballot_id: str, reading: Reading) -> None:
    """Store the agreed ballot's lines as a phone nomination ballot is stored."""
    choices = {sid: AGREE for sid, mark in reading.lines.items() if mark == AGREE}
    store_lines(session, round_, ballot_id, choices, reading.write_ins)


def nomination_tables(pdf: Document, round_: Round, layout: PaperLayout) -> None:
    """One table per position: its title and seats, its candidates, then its blank lines."""
    level_w = 20.0
    widths = (10.5, 50.0, WIDTH - 10.5 - 50.0 - 2 * level_w, level_w, level_w)
    for position in positions_of(round_):
        pdf.ensure(24)
        pdf.paragraph([("B", _("%(n)d. %(title)s", n=position.order,
                                title=printed(position.title))),
                       ("", _(" (quy hoạch %(seats)d người)", seats=position.seats))],
                      indent=0, size=11)
        with ballot_table(pdf, widths) as made:
            row = made.row()
            row.cell(_("STT"))
            row.cell(_("Họ và tên"))
            row.cell(_("Chức vụ hiện tại"))
            for level in layout.levels:
                row.cell(str(level.label))
            candidates = [s for s in round_.subjects if s.position_id == position.id]
            for subject in candidates:
                row = made.row()
                row.cell(str(subject.order))
                row.cell(printed(subject.name), align="LEFT", style=FontFace(emphasis="BOLD"))
                row.cell(printed(subject.position), align="LEFT")
                row.cell("")
                row.cell("")
            if position.allow_write_ins:
                for _line in range(position.seats):
                    row = made.row()
                    row.cell("")
                    row.cell(_("Ghi thêm: ……………"), align="LEFT",
                             style=FontFace(emphasis="ITALICS"))
                    row.cell("")
                    row.cell("")
                    row.cell("")
        pdf.ln(2)


def differences(round_: Round, readings: Sequence[Reading],
                whole: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """The positions whose written-in names differ between entries (compared by the tally's
    key), as line 0 with each entry's names."""
    out = []
    for position in positions_of(round_):
        keys = {tuple(sorted(map(name_key, r.write_ins.get(position.id, ())))) for r in readings}
        if len(keys) > 1:
            out.append((0, str(_l("Ghi thêm – %(title)s", title=position.title)),
                        tuple(whole if r.invalid else "; ".join(r.write_ins.get(position.id, ()))
                              or "—" for r in readings)))
    return out
