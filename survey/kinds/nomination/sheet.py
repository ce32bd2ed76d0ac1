"""The sheet of a nomination round's positions and candidates.

The sheet an Organisation Board hands over has one row per candidate for one position:
"Chức danh quy hoạch", "Số người quy hoạch tối đa", "Họ và tên", "Chức vụ hiện tại". One person
may stand for several positions: one row, and one ballot line, for each. Reading it is pure:
like :mod:`survey.rounds.importing`, every bad row is named.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl

from survey.i18n import _l
from survey.kinds.nomination.models import MAX_SEATS
from survey.rounds.cells import DELIMITERS, clean, decode, header_key, positive_int, split
from survey.rounds.importing import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, RowError, find_header
from survey.tally.nomination import name_key

_TITLE = frozenset({"chuc danh quy hoach", "chuc danh"})
_SEATS = frozenset({"so nguoi quy hoach toi da", "so nguoi quy hoach", "so nguoi toi da",
                    "so luong"})
_CURRENT = frozenset({"chuc vu hien tai", "chuc vu"})
#: Most positions and candidate lines one sheet may hold.
MAX_POSITIONS = 50
MAX_LINES = 500


@dataclass(frozen=True)
class CandidateRow:
    line: int
    title: str
    seats: int | None
    name: str
    current: str


@dataclass(frozen=True)
class NominationImport:
    rows: tuple[CandidateRow, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def positions(self) -> list[tuple[str, int, list[CandidateRow]]]:
        """``(title, seats, rows)`` per position, in the order they first appear."""
        grouped: dict[str, tuple[str, int, list[CandidateRow]]] = {}
        for row in self.rows:
            entry = grouped.setdefault(name_key(row.title), (row.title, row.seats or 1, []))
            entry[2].append(row)
        return list(grouped.values())


def _failed(message: object) -> NominationImport:
    return NominationImport((), (RowError(0, str(message)),))


def _columns(cells: list[str]) -> dict[str, int] | None:
    keys = [header_key(cell) for cell in cells]
    found: dict[str, int] = {}
    for field, aliases in (("title", _TITLE), ("seats", _SEATS), ("current", _CURRENT),
                           ("name", frozenset({"ho va ten", "ho ten"}))):
        index = next((i for i, key in enumerate(keys) if key in aliases), None)
        if index is not None:
            found[field] = index
    return found if {"title", "seats", "name"} <= set(found) else None


def _tables(data: bytes, filename: str) -> list[list[tuple[int, list[str]]]] | str:
    """Candidate tables (non-blank rows with line numbers), or an error message."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        text = decode(data)
        if text is None:
            return str(_l("Không đọc được tệp CSV: không nhận ra bảng mã; hãy lưu lại dạng "
                          "“CSV UTF-8”"))
        tables = []
        for delimiter in DELIMITERS:
            try:
                tables.append(split(text, delimiter))
            except csv.Error:
                continue
        return tables
    if suffix == ".xlsx":
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            tables = []
            for sheet in workbook.worksheets:
                sheet.reset_dimensions()
                tables.append([
                    (line, cells)
                    for line, values in enumerate(sheet.iter_rows(values_only=True), 1)
                    if any(cells := [clean(value) for value in values])
                ])
            workbook.close()
        except Exception:  # an untrusted upload can break the zip or XML parser in many ways
            return str(_l("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx; hãy mở "
                          "bằng Excel và lưu lại"))
        return tables
    return str(_l("Chỉ nhận tệp .csv hoặc .xlsx"))


def parse_nominations(data: bytes, filename: str) -> NominationImport:
    """Read positions and candidates from an uploaded ``.csv`` or ``.xlsx`` sheet."""
    tables = _tables(data, filename)
    if isinstance(tables, str):
        return _failed(tables)
    for rows in tables:
        found = find_header(rows)
        if found is None:
            continue
        index, _ = found
        columns = _columns(rows[index][1])
        if columns is not None:
            return _parse_rows(rows[index + 1:], columns)
    return _failed(_l("Không tìm thấy dòng tiêu đề có các cột “Chức danh quy hoạch”, “Số người "
                      "quy hoạch tối đa”, “Họ và tên”"))


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _parse_rows(rows: list[tuple[int, list[str]]], columns: dict[str, int]) -> NominationImport:
    rows = [(line, cells) for line, cells in rows
            if header_key(_cell(cells, columns["name"])) not in {"ho va ten", "ho ten"}]
    if not rows:
        return _failed(_l("Danh sách chưa có ai: không có dòng nào dưới dòng tiêu đề"))
    if len(rows) > MAX_LINES:
        return _failed(_l("Danh sách có %(count)d dòng, nhiều hơn mức tối đa %(max)d dòng",
                          count=len(rows), max=MAX_LINES))
    out: list[CandidateRow] = []
    errors: list[RowError] = []
    seats_of: dict[str, tuple[int, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        title = _cell(cells, columns["title"])
        raw_seats = _cell(cells, columns["seats"])
        name = _cell(cells, columns["name"])
        current = _cell(cells, columns.get("current"))
        seats = positive_int(raw_seats)
        out.append(CandidateRow(line, title, seats, name, current))
        problems = []
        if not title:
            problems.append(_l("Dòng %(line)d: thiếu chức danh quy hoạch", line=line))
        elif len(title) > MAX_TEXT_LENGTH:
            problems.append(_l("Dòng %(line)d: chức danh dài quá %(max)d ký tự", line=line,
                               max=MAX_TEXT_LENGTH))
        if seats is None or seats > MAX_SEATS:
            problems.append(_l("Dòng %(line)d: số người quy hoạch tối đa “%(value)s” phải từ 1 "
                               "đến %(max)d", line=line, value=raw_seats, max=MAX_SEATS))
        elif title:
            first_seats, first_line = seats_of.setdefault(name_key(title), (seats, line))
            if first_seats != seats:
                problems.append(_l("Dòng %(line)d: số người quy hoạch tối đa của “%(title)s” "
                                   "khác với dòng %(first)d", line=line, title=title,
                                   first=first_line))
        if not name:
            problems.append(_l("Dòng %(line)d: thiếu họ và tên", line=line))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(_l("Dòng %(line)d: họ và tên dài quá %(max)d ký tự", line=line,
                               max=MAX_NAME_LENGTH))
        elif title:
            first = seen.setdefault((name_key(title), name_key(name)), line)
            if first != line:
                problems.append(_l("Dòng %(line)d: %(name)s đã có trong chức danh “%(title)s” "
                                   "ở dòng %(first)d", line=line, name=name, title=title,
                                   first=first))
        if len(current) > MAX_TEXT_LENGTH:
            problems.append(_l("Dòng %(line)d: chức vụ dài quá %(max)d ký tự", line=line,
                               max=MAX_TEXT_LENGTH))
        errors.extend(RowError(line, str(p)) for p in problems)
    if len(seats_of) > MAX_POSITIONS:
        errors.append(RowError(0, str(_l("Nhiều hơn %(max)d chức danh", max=MAX_POSITIONS))))
    return NominationImport(tuple(out), tuple(errors))
