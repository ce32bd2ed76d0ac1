"""Paper nomination ballots: the write-ins an entry reads, and storing an agreed ballot.

A paper line is stored exactly as a phone line is
(:func:`survey.kinds.nomination.ballot.store_lines`): the candidates marked Đồng ý, the names
written in, and the position's line invalid when they name more people than it has seats; a
Không đồng ý, blank or over-marked candidate stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from survey.documents.text import printed
from survey.errors import InvalidInput
from survey.i18n import _, _l
from survey.kinds.nomination.ballot import AGREE, clean_write_ins, store_lines
from survey.kinds.nomination.models import positions_of
from survey.kinds.paper import TABLE_WIDTH, PaperCell, PaperLayout, PaperRow, PaperTable, Reading
from survey.rounds.importing import MAX_NAME_LENGTH
from survey.rounds.models import Round, Subject
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


#: The height of a blank line for a name written in by hand (mm), at any type size.
WRITE_IN_HEIGHT = 6.0


def nomination_table(round_: Round, layout: PaperLayout,
                     subjects: Sequence[Subject]) -> PaperTable:
    """One table: each position's title and seats on a row of its own, its candidates, then
    its blank lines for names written in.

    ``subjects`` are the candidates to list (all of them). A position none of whose
    candidates is among them is left out; its blank lines follow its last candidate, if
    listed. A position without candidates keeps its place after the candidate before it.
    """
    level_w = 19.0
    widths = (10.0, 50.0, TABLE_WIDTH - 10.0 - 50.0 - 2 * level_w, level_w, level_w)
    drawn = {s.id for s in subjects}
    everyone = list(round_.subjects)
    rows: list[PaperRow] = []
    for position in positions_of(round_):
        listed = [s for s in everyone if s.position_id == position.id]
        candidates = [s for s in listed if s.id in drawn]
        if not candidates if listed else not _holds_place(round_, everyone, drawn,
                                                          position.order):
            continue
        title = _("%(n)d. %(title)s (quy hoạch %(seats)d người)", n=position.order,
                  title=printed(position.title), seats=position.seats)
        rows.append(PaperRow((PaperCell(title, "B", left=True, span=5),), title=True))
        rows += [PaperRow((PaperCell(str(s.order)), PaperCell(printed(s.name), "B", left=True),
                           PaperCell(printed(s.position), left=True), PaperCell(), PaperCell()))
                 for s in candidates]
        if position.allow_write_ins and (not listed or candidates[-1] is listed[-1]):
            rows += [PaperRow((PaperCell(), PaperCell(_("Ghi thêm: ……………"), "I", left=True,
                                                      span=2), PaperCell(), PaperCell()),
                              least=WRITE_IN_HEIGHT)] * position.seats
    heading = (_("STT"), _("Họ và tên"), _("Chức vụ hiện tại"),
               *(str(level.label) for level in layout.levels))
    return PaperTable(widths, tuple(PaperCell(text) for text in heading), tuple(rows))


def _holds_place(round_: Round, everyone: Sequence[Subject], drawn: set[int],
                 order: int) -> bool:
    """Whether the part drawn holds the place of the position ``order``, which has no
    candidates: the part with the candidate before it (the first part, if none is)."""
    orders = {p.id: p.order for p in positions_of(round_)}
    before = [s for s in everyone if orders.get(s.position_id or 0, 0) < order]
    if not before:
        return not everyone or everyone[0].id in drawn
    return before[-1].id in drawn


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
