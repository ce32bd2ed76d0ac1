"""Read an organizer's list of subjects from CSV, XLSX or pasted text, and report every bad row.

Nothing here touches the database: the view shows :attr:`ImportResult.rows` next to
:attr:`ImportResult.errors` as a preview, and imports only when :attr:`ImportResult.ok`.
Headers are Vietnamese and may sit below title rows; ballot order is the order of the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
from flask_babel import lazy_gettext as _l

from survey.rounds.cells import (
    DELIMITERS,
    Rows,
    clean,
    decode,
    header_key,
    positive_int,
    split,
)

#: More subjects than this in one list is refused as a whole.
MAX_ROWS = 500
#: Longest accepted "Họ và tên", in characters after normalisation.
MAX_NAME_LENGTH = 120
#: Longest accepted "Chức vụ" or "Đơn vị".
MAX_TEXT_LENGTH = 250


@dataclass(frozen=True)
class SubjectRow:
    """One official on the ballot, in the order the list gives."""

    #: 1-based row number as a person sees it in Excel (or the line of pasted text).
    line: int
    #: "Họ và tên", whitespace-collapsed and NFC-normalised.
    name: str
    #: "Chức vụ"; ``""`` when the column is absent or the cell is empty.
    position: str
    #: "Đơn vị"; ``""`` when the column is absent or the cell is empty.
    unit: str


@dataclass(frozen=True)
class RowError:
    """A problem the organizer must fix before anything is imported."""

    #: The row it is on, or 0 for a problem with the whole file.
    line: int
    #: Vietnamese text (or the active locale's translation), naming the row and the fix.
    message: str


@dataclass(frozen=True)
class ImportResult:
    """Every non-blank data row read, and every problem found.

    ``rows`` holds the bad rows too (a row with no name has ``name == ""``) so that a preview can
    show them beside their errors; import ``rows`` only when :attr:`ok`.
    """

    rows: tuple[SubjectRow, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        """No errors and at least one row: safe to import."""
        return not self.errors and bool(self.rows)


# Header aliases, compared by :func:`header_key` (no case, no diacritics, no punctuation).
_FULL_NAME = frozenset({"ho va ten", "ho ten"})  # "Họ, tên" loses its comma
_GIVEN_NAME = frozenset({"ten"})
#: A "Họ và tên đệm" column next to "Tên": the two are joined into the full name.
_SURNAME = frozenset({"ho va ten dem", "ho dem", "ho va dem", "ho va chu dem", "ho"})
_POSITION = frozenset({"chuc vu", "chuc danh", "chuc vu hien tai"})
_UNIT = frozenset({"don vi", "co quan don vi", "co quan"})
_ORDER = frozenset({"stt", "so tt", "tt"})

@dataclass(frozen=True)
class _Columns:
    """Where each field is in a row; ``name`` joins one or two cells."""

    name: tuple[int, ...]
    position: int | None = None
    unit: int | None = None
    order: int | None = None

    @property
    def matched(self) -> int:
        """How many columns were recognised, to tell a right delimiter from a wrong one."""
        others = (self.position, self.unit, self.order)
        return len(self.name) + sum(index is not None for index in others)


def parse_subjects(data: bytes, filename: str, max_rows: int = MAX_ROWS) -> ImportResult:
    """Read the subjects from an uploaded ``.csv`` or ``.xlsx`` file.

    :param filename: only its extension is used, to choose the format.
    :param max_rows: the most people the list may hold (a longer one is refused).
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        return _parse_csv(data, max_rows)
    if suffix == ".xlsx":
        return _parse_xlsx(data, max_rows)
    return _failed(str(_l("Chỉ nhận tệp .csv hoặc .xlsx")))


def parse_subjects_text(text: str) -> ImportResult:
    """Read subjects pasted as text: one per line, cells separated by tabs or ``;``.

    The columns are "Họ và tên", "Chức vụ", "Đơn vị" in that order unless a header row names
    them; a leading column of numbers on every line is taken as STT.
    """
    # Cells copied from a spreadsheet are tab-separated; typed lists use ";" because
    # positions contain commas ("Ủy viên Ban Thường vụ, Trưởng Ban ...").
    delimiter = "\t" if "\t" in text else ";"
    try:
        rows = split(text, delimiter)
    except csv.Error:
        return _failed(str(_l("Không đọc được nội dung đã dán; hãy dán lại danh sách")))
    if not rows:
        return _failed(str(_l("Chưa có nội dung: hãy dán danh sách, mỗi người một dòng")))
    found = find_header(rows)
    if found is None:
        return _parse_rows(rows, _positional_columns(rows), has_header=False)
    index, columns = found
    return _parse_rows(rows[index + 1 :], columns, has_header=True)


def _parse_csv(data: bytes, max_rows: int) -> ImportResult:
    text = decode(data)
    if text is None:
        return _failed(
            str(_l("Không đọc được tệp CSV: không nhận ra bảng mã; hãy lưu lại dạng “CSV UTF-8”"))
        )
    best: tuple[tuple[int, int], Rows, int, _Columns] | None = None
    empty = False  # only delimiters and spaces, e.g. ";;;" rows saved from a blank sheet
    for delimiter in DELIMITERS:
        try:
            rows = split(text, delimiter)
        except csv.Error:
            continue
        empty = empty or not rows
        found = find_header(rows)
        if found is None:
            continue
        index, columns = found
        score = (columns.matched, len(rows[index][1]))
        if best is None or score > best[0]:  # ties keep the earlier delimiter
            best = (score, rows, index, columns)
    if best is None:
        return _failed(_empty_file() if empty else _no_header())
    _, rows, index, columns = best
    return _parse_rows(rows[index + 1 :], columns, has_header=True, max_rows=max_rows)


def _parse_xlsx(data: bytes, max_rows: int) -> ImportResult:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # an untrusted upload can break the zip or XML parser in many ways
        return _failed(_unreadable_xlsx())
    any_rows = False
    found: tuple[int, _Columns] | None = None
    rows: Rows = []
    try:
        for sheet in workbook.worksheets:
            # read-only mode trusts the stored size, which some tools write wrong (e.g. "A1")
            sheet.reset_dimensions()
            rows = [
                (line, cells)
                for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
                if any(cells := [clean(value) for value in values])
            ]
            any_rows = any_rows or bool(rows)
            # the first sheet with a header row: an instructions sheet may come before it
            if (found := find_header(rows)) is not None:
                break
    except Exception:  # a broken sheet part surfaces only while iterating
        return _failed(_unreadable_xlsx())
    finally:
        workbook.close()
    if found is None:
        return _failed(_empty_file() if not any_rows else _no_header())
    index, columns = found
    return _parse_rows(rows[index + 1 :], columns, has_header=True, max_rows=max_rows)


def _parse_rows(rows: Rows, columns: _Columns, *, has_header: bool,
                max_rows: int = MAX_ROWS) -> ImportResult:
    """Turn data rows (blank ones already dropped) into subjects and errors."""
    if has_header:
        # lists printed across pages repeat the header; it is not a person
        rows = [(line, cells) for line, cells in rows if not _repeats_header(cells, columns)]
    if not rows:
        return _failed(str(_l("Danh sách chưa có ai: không có dòng nào dưới dòng tiêu đề")))
    errors: list[RowError] = []
    if len(rows) > max_rows:
        message = _l(
            "Danh sách có %(count)d người, nhiều hơn mức tối đa %(max)d người một lần nhập; "
            "hãy chia thành nhiều danh sách",
            count=len(rows),
            max=max_rows,
        )
        errors.append(RowError(0, str(message)))
        rows = rows[:max_rows]  # the list is refused anyway; bound the work and the preview

    subjects: list[SubjectRow] = []
    line_of_order: dict[int, int] = {}
    line_of_person: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        name = " ".join(part for index in columns.name if (part := _cell(cells, index)))
        position = _cell(cells, columns.position)
        unit = _cell(cells, columns.unit)
        subjects.append(SubjectRow(line, name, position, unit))
        problems = []

        if not name:
            problems.append(_l("Dòng %(line)d: thiếu họ và tên", line=line))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(
                _l(
                    "Dòng %(line)d: họ và tên dài %(length)d ký tự, tối đa %(max)d",
                    line=line,
                    length=len(name),
                    max=MAX_NAME_LENGTH,
                )
            )
        if len(position) > MAX_TEXT_LENGTH:
            problems.append(
                _l(
                    "Dòng %(line)d: chức vụ dài %(length)d ký tự, tối đa %(max)d",
                    line=line,
                    length=len(position),
                    max=MAX_TEXT_LENGTH,
                )
            )
        if len(unit) > MAX_TEXT_LENGTH:
            problems.append(
                _l(
                    "Dòng %(line)d: đơn vị dài %(length)d ký tự, tối đa %(max)d",
                    line=line,
                    length=len(unit),
                    max=MAX_TEXT_LENGTH,
                )
            )

        if raw_order := _cell(cells, columns.order):
            number = positive_int(raw_order)
            if number is None:
                problems.append(
                    _l(
                        "Dòng %(line)d: STT “%(value)s” không phải số nguyên dương",
                        line=line,
                        value=raw_order,
                    )
                )
            elif number in line_of_order:
                problems.append(
                    _l(
                        "Dòng %(line)d: STT %(number)d trùng với dòng %(first)d",
                        line=line,
                        number=number,
                        first=line_of_order[number],
                    )
                )
            else:
                line_of_order[number] = line

        if name:
            # a ballot cannot show two lines that read the same
            first = line_of_person.setdefault((name.casefold(), position.casefold()), line)
            if first != line:
                problems.append(
                    _l(
                        "Dòng %(line)d: %(name)s (%(position)s) trùng với dòng %(first)d",
                        line=line,
                        name=name,
                        position=position,
                        first=first,
                    )
                    if position
                    else _l(
                        "Dòng %(line)d: %(name)s trùng với dòng %(first)d",
                        line=line,
                        name=name,
                        first=first,
                    )
                )
        errors.extend(RowError(line, str(problem)) for problem in problems)
    return ImportResult(tuple(subjects), tuple(errors))


def find_header(rows: Rows) -> tuple[int, _Columns] | None:
    """The index of the first row with a name column, and the columns it names."""
    for index, (_, cells) in enumerate(rows):
        columns = _header_columns(cells)
        if columns is not None:
            return index, columns
    return None


def _header_columns(cells: Sequence[str]) -> _Columns | None:
    keys = [header_key(cell) for cell in cells]

    def first(aliases: frozenset[str]) -> int | None:
        return next((index for index, key in enumerate(keys) if key in aliases), None)

    full, given, surname = first(_FULL_NAME), first(_GIVEN_NAME), first(_SURNAME)
    if full is not None:
        name: tuple[int, ...] = (full,)
    elif given is not None:
        name = (given,) if surname is None else (surname, given)
    else:
        return None
    return _Columns(name, position=first(_POSITION), unit=first(_UNIT), order=first(_ORDER))


def _positional_columns(rows: Rows) -> _Columns:
    """Columns of pasted text without a header: [STT,] name, position, unit."""
    if all(len(cells) > 1 and positive_int(cells[0]) is not None for _, cells in rows):
        return _Columns((1,), position=2, unit=3, order=0)
    return _Columns((0,), position=1, unit=2)


def _repeats_header(cells: Sequence[str], columns: _Columns) -> bool:
    return header_key(_cell(cells, columns.name[-1])) in _FULL_NAME | _GIVEN_NAME


def _cell(cells: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _failed(message: str) -> ImportResult:
    return ImportResult((), (RowError(0, message),))


def _no_header() -> str:
    return str(_l("Không tìm thấy dòng tiêu đề có cột “Họ và tên”"))


def _empty_file() -> str:
    return str(_l("Tệp trống: không có dòng nào có dữ liệu"))


def _unreadable_xlsx() -> str:
    return str(
        _l("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx; hãy mở bằng Excel và lưu lại")
    )
