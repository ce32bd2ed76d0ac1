"""Reading subject lists from CSV, XLSX and pasted text; no app is built."""

from __future__ import annotations

import ast
import codecs
import io
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import survey.rounds.importing
from survey.rounds.importing import (
    MAX_NAME_LENGTH,
    MAX_ROWS,
    MAX_TEXT_LENGTH,
    ImportResult,
    RowError,
    SubjectRow,
    parse_subjects,
    parse_subjects_text,
)

DATA = Path(__file__).parent / "data"
NO_HEADER = "Không tìm thấy dòng tiêu đề có cột “Họ và tên”"
WRONG_FORMAT = "Chỉ nhận tệp .csv hoặc .xlsx"


def xlsx(*sheets: list[list[Any]]) -> bytes:
    """An .xlsx file with one sheet per list of rows; ``[]`` leaves a row empty."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets, 1):
        sheet = workbook.create_sheet(f"Sheet{number}")
        for line, values in enumerate(rows, 1):
            for column, value in enumerate(values, 1):
                sheet.cell(row=line, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def lines(result: ImportResult) -> list[int]:
    return [error.line for error in result.errors]


def only_error(result: ImportResult) -> RowError:
    assert not result.ok
    [error] = result.errors
    return error


# --- the sample lists -------------------------------------------------------------------------


def test_standing_committee_list():
    result = parse_subjects((DATA / "tin-nhiem-btv.csv").read_bytes(), "tin-nhiem-btv.csv")

    assert result.ok
    assert result.errors == ()
    assert len(result.rows) == 12
    assert [row.line for row in result.rows] == list(range(2, 14))
    assert result.rows[0] == SubjectRow(2, "Lường Hữu Ánh", "Bí thư Thành ủy", "Thành ủy")
    assert result.rows[-1].name == "Quàng Minh Toàn"
    assert result.rows[-1].position == "Ủy viên Ban Thường vụ, Phó Chủ tịch HĐND thành phố"
    assert result.rows[1].position == "Phó Bí thư Thường trực Thành ủy, Chủ tịch HĐND thành phố"
    assert result.rows[1].unit == "Thành ủy"
    assert all(unicodedata.is_normalized("NFC", row.name) for row in result.rows)


def test_department_list_has_units():
    result = parse_subjects(
        (DATA / "danh-gia-phong-ban.csv").read_bytes(), "danh-gia-phong-ban.csv"
    )

    assert result.ok
    assert len(result.rows) == 61
    assert result.rows[0] == SubjectRow(2, "Lê Thị Huyền", "Trưởng phòng", "Phòng Nội vụ")
    assert result.rows[-1] == SubjectRow(
        62, "Trần Mạnh Hưng", "Chuyên viên", "Phòng Tài nguyên và Môi trường"
    )
    assert {row.unit for row in result.rows} == {
        "Phòng Nội vụ",
        "Phòng Tài chính - Kế hoạch",
        "Phòng Quản lý đô thị",
        "Phòng Giáo dục và Đào tạo",
        "Phòng Tài nguyên và Môi trường",
    }


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_with_titles_blank_line_extra_columns_and_nfd():
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    data = xlsx(
        [
            ["THÀNH ỦY THÀNH PHỐ"],
            [None, "DANH SÁCH LẤY PHIẾU TÍN NHIỆM"],
            ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ", "Đơn vị", "Ghi chú"],
            [1, "Lường Hữu Ánh", 1984, "Nam", "Bí thư Thành ủy", "Thành ủy", None],
            [2, nfd_name, 1970, "Nữ", "Phó Bí thư\nThành ủy", "Thành ủy", "vắng"],
            [],
            [3.0, "  Giàng   Ngọc Sơn ", 1969, "Nam", None, "UBND thành phố"],
        ]
    )

    result = parse_subjects(data, "Danh sách.XLSX")

    assert result.ok, result.errors
    assert result.rows == (
        SubjectRow(4, "Lường Hữu Ánh", "Bí thư Thành ủy", "Thành ủy"),
        SubjectRow(5, unicodedata.normalize("NFC", nfd_name), "Phó Bí thư Thành ủy", "Thành ủy"),
        SubjectRow(7, "Giàng Ngọc Sơn", "", "UBND thành phố"),
    )
    assert result.rows[1].name == "Nguyễn Thị Hoà"


def test_xlsx_takes_first_sheet_with_a_header():
    data = xlsx(
        [["Hướng dẫn: điền danh sách ở trang sau"]],
        [["Họ tên", "Chức danh"], ["Lê Văn Tám", "Chuyên viên"]],
    )

    result = parse_subjects(data, "ds.xlsx")

    assert result.rows == (SubjectRow(2, "Lê Văn Tám", "Chuyên viên", ""),)
    assert result.ok


def test_xlsx_rows_far_down_keep_their_excel_line_numbers():
    rows: list[list[Any]] = [[] for _ in range(9)]
    rows += [["Họ và tên"], ["An"], [], [], ["Bình"]]

    result = parse_subjects(xlsx(rows), "ds.xlsx")

    assert [row.line for row in result.rows] == [11, 14]


@pytest.mark.parametrize("order", [3, "3", 3.0, "3.", " 3 ", "03"])
def test_order_accepts_positive_integers(order: Any):
    result = parse_subjects(xlsx([["STT", "Họ và tên"], [order, "An"]]), "ds.xlsx")

    assert result.ok, result.errors


@pytest.mark.parametrize("order", ["abc", 0, "0", -1, "3.5", 2.5, "III", "1a"])
def test_order_refuses_anything_else(order: Any):
    result = parse_subjects(xlsx([["STT", "Họ và tên"], [order, "An"]]), "ds.xlsx")

    error = only_error(result)
    assert error.line == 2
    assert error.message.startswith("Dòng 2: STT “")
    assert "không phải số nguyên dương" in error.message


def test_empty_order_cell_is_allowed():
    result = parse_subjects(xlsx([["STT", "Họ và tên"], [None, "An"], ["", "Bình"]]), "a.xlsx")

    assert result.ok


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 not really a zip", b"STT,H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan\n1,An\n"],
    ids=["empty", "broken-zip", "csv-renamed"],
)
def test_unreadable_xlsx(data: bytes):
    error = only_error(parse_subjects(data, "ds.xlsx"))

    assert error.line == 0
    assert error.message.startswith("Không đọc được tệp Excel")


def test_xlsx_without_data():
    assert only_error(parse_subjects(xlsx([]), "ds.xlsx")).message.startswith("Tệp trống")
    assert only_error(parse_subjects(xlsx([["Tiêu đề"], ["Ngày 1/1"]]), "ds.xlsx")) == RowError(
        0, NO_HEADER
    )


# --- CSV --------------------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons():
    text = (
        "DANH SÁCH;;\n"
        "Số TT;Họ, tên;Chức vụ hiện tại;Cơ quan, đơn vị\n"
        "1;Hà Công Ánh;Ủy viên Ban Thường vụ, Phó Chủ tịch UBND;UBND thành phố\n"
        "2;Bùi Thanh Liên;Trưởng Ban Tuyên giáo và Dân vận;Ban Tuyên giáo\n"
    )

    result = parse_subjects(csv_bytes(text, "utf-8-sig"), "ds.csv")

    assert result.ok, result.errors
    assert result.rows == (
        SubjectRow(3, "Hà Công Ánh", "Ủy viên Ban Thường vụ, Phó Chủ tịch UBND", "UBND thành phố"),
        SubjectRow(4, "Bùi Thanh Liên", "Trưởng Ban Tuyên giáo và Dân vận", "Ban Tuyên giáo"),
    )


def test_csv_with_tabs_in_utf16():
    """Excel's "Unicode Text" export: UTF-16 with a BOM, tab-separated."""
    text = "Họ và tên\tChức vụ\r\nLò Văn Lâm\tTrưởng phòng Y tế\r\n"

    result = parse_subjects(text.encode("utf-16"), "ds.csv")

    assert result.rows == (SubjectRow(2, "Lò Văn Lâm", "Trưởng phòng Y tế", ""),)


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letter (with its hat or horn), then a combining tone."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258")
            out += parts[-1].encode("cp1258")
    return bytes(out)


def test_csv_in_cp1258_is_decoded_and_composed():
    text = "Họ và tên,Chức vụ\nNguyễn Đức Sơn,Trưởng Công an thành phố\n"
    data = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = parse_subjects(data, "ds.csv")

    assert result.rows == (SubjectRow(2, "Nguyễn Đức Sơn", "Trưởng Công an thành phố", ""),)
    assert unicodedata.is_normalized("NFC", result.rows[0].name)


def test_csv_in_cp1252_when_cp1258_cannot_read_it():
    data = "Ho va ten\nŠárka Nováková\n".encode("cp1252")  # Š is 0x8A, unused in cp1258

    result = parse_subjects(data, "ds.csv")

    assert result.rows[0].name == "Šárka Nováková"


def test_csv_in_no_known_encoding():
    error = only_error(parse_subjects(b"H\x81 t\xean\n\x81\xff\n", "ds.csv"))

    assert error.line == 0
    assert "bảng mã" in error.message


def test_malformed_csv_names_every_bad_line():
    text = (
        "STT,Họ và tên,Chức vụ,Đơn vị\n"  # line 1
        "1,Lường Hữu Ánh,Bí thư Thành ủy,Thành ủy\n"  # 2
        "2,,Phó Bí thư,Thành ủy\n"  # 3: no name
        "abc,Giàng Ngọc Sơn,Chủ tịch UBND,UBND\n"  # 4: bad STT
        "\n"  # 5: blank, skipped
        "1,Hà Công Ánh,Phó Chủ tịch UBND,UBND\n"  # 6: STT 1 again
        "5,lường  hữu ánh,Bí thư Thành ủy,Thành ủy\n"  # 7: the person on line 2 again
        "6,Lường Hữu Ánh,Phó Bí thư,Thành ủy\n"  # 8: same name, other position: fine
    )

    result = parse_subjects(csv_bytes(text), "ds.csv")

    assert not result.ok
    assert lines(result) == [3, 4, 6, 7]
    assert [error.message for error in result.errors] == [
        "Dòng 3: thiếu họ và tên",
        "Dòng 4: STT “abc” không phải số nguyên dương",
        "Dòng 6: STT 1 trùng với dòng 2",
        "Dòng 7: lường hữu ánh (Bí thư Thành ủy) trùng với dòng 2",
    ]
    # the preview still shows every non-blank row, bad ones included
    assert [row.line for row in result.rows] == [2, 3, 4, 6, 7, 8]
    assert result.rows[1].name == ""


def test_quoted_line_break_counts_as_one_row():
    text = 'Họ và tên,Chức vụ\nAn,"Phó Bí thư,\nChủ tịch"\n,Chuyên viên\n'

    result = parse_subjects(csv_bytes(text), "ds.csv")

    assert result.rows[0] == SubjectRow(2, "An", "Phó Bí thư, Chủ tịch", "")
    assert lines(result) == [3]


def test_duplicate_name_without_position():
    result = parse_subjects(csv_bytes("Họ và tên\nAn\nBình\nAn\n"), "ds.csv")

    assert [error.message for error in result.errors] == ["Dòng 4: An trùng với dòng 2"]


def test_repeated_header_rows_are_skipped():
    text = "Họ và tên,Chức vụ\nAn,Chuyên viên\nHọ và tên,Chức vụ\nBình,Chuyên viên\n"

    result = parse_subjects(csv_bytes(text), "ds.csv")

    assert result.ok
    assert [row.line for row in result.rows] == [2, 4]


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("Họ và tên,Chức vụ,Đơn vị", "An,Chuyên viên,Phòng A", ("An", "Chuyên viên", "Phòng A")),
        ("  HỌ VÀ TÊN ,CHỨC VỤ,ĐƠN VỊ", "An,Chuyên viên,Phòng A", ("An", "Chuyên viên", "Phòng A")),
        ("Ho va ten,Chuc vu,Don vi", "An,Chuyên viên,Phòng A", ("An", "Chuyên viên", "Phòng A")),
        ("Họ tên,Chức danh,Cơ quan", "An,Chuyên viên,Phòng A", ("An", "Chuyên viên", "Phòng A")),
        ('"Họ, tên",Chức vụ hiện tại,"Cơ quan, đơn vị"', "An,CV,Sở", ("An", "CV", "Sở")),
        ("TT,Tên,Năm sinh,Giới tính", "1,An,1980,Nam", ("An", "", "")),
        ("Họ và tên đệm,Tên,Chức vụ", "Nguyễn Văn,An,CV", ("Nguyễn Văn An", "CV", "")),
        ("Đơn vị,Ghi chú,Họ và tên (*)", "Phòng A,x,An", ("An", "", "Phòng A")),
        (unicodedata.normalize("NFD", "Họ và tên,Chức vụ"), "An,CV", ("An", "CV", "")),
    ],
)
def test_header_aliases(header: str, row: str, expected: tuple[str, str, str]):
    result = parse_subjects(csv_bytes(f"{header}\n{row}\n"), "ds.csv")

    assert result.ok, result.errors
    assert result.rows == (SubjectRow(2, *expected),)


def test_no_header():
    text = "1,Lường Hữu Ánh,Bí thư Thành ủy\n2,Quàng Ngọc Liên,Phó Bí thư\n"

    assert only_error(parse_subjects(csv_bytes(text), "ds.csv")) == RowError(0, NO_HEADER)


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\n\n  \n", b",,\n,,\n", b";;;\r\n;;;\r\n"]
)
def test_empty_csv(data: bytes):
    error = only_error(parse_subjects(data, "ds.csv"))

    assert error.line == 0
    assert error.message.startswith("Tệp trống")


def test_header_without_rows():
    error = only_error(parse_subjects(csv_bytes("STT,Họ và tên,Chức vụ\n,,\n"), "ds.csv"))

    assert error.line == 0
    assert "không có dòng nào dưới dòng tiêu đề" in error.message


@pytest.mark.parametrize("filename", ["ds.xls", "ds.ods", "ds.txt", "ds", "", "csv", "ds.csv.zip"])
def test_other_formats_are_refused(filename: str):
    assert only_error(parse_subjects(b"Ho va ten\nAn\n", filename)) == RowError(0, WRONG_FORMAT)


@pytest.mark.parametrize("filename", ["ds.CSV", "C:\\fakepath\\Danh sách.csv", "a.b.csv"])
def test_csv_extension_in_any_case_or_path(filename: str):
    assert parse_subjects(b"Ho va ten\nAn\n", filename).ok


@pytest.mark.parametrize(
    ("column", "limit", "field"),
    [
        (0, MAX_NAME_LENGTH, "họ và tên"),
        (1, MAX_TEXT_LENGTH, "chức vụ"),
        (2, MAX_TEXT_LENGTH, "đơn vị"),
    ],
)
def test_length_limits(column: int, limit: int, field: str):
    def row(length: int) -> str:
        cells = ["An", "CV", "Phòng"]
        cells[column] = "ạ" * length  # one character, however it is encoded
        return ",".join(cells)

    at_limit = parse_subjects(csv_bytes(f"Họ và tên,Chức vụ,Đơn vị\n{row(limit)}\n"), "a.csv")
    over = parse_subjects(csv_bytes(f"Họ và tên,Chức vụ,Đơn vị\n{row(limit + 1)}\n"), "a.csv")

    assert at_limit.ok
    assert only_error(over) == RowError(2, f"Dòng 2: {field} dài {limit + 1} ký tự, tối đa {limit}")


@pytest.mark.parametrize(("count", "ok"), [(MAX_ROWS, True), (MAX_ROWS + 1, False)])
def test_row_limit(count: int, ok: bool):
    body = "".join(f"Người {number},Chuyên viên\n" for number in range(count))

    result = parse_subjects(csv_bytes("Họ và tên,Chức vụ\n" + body), "ds.csv")

    assert result.ok is ok
    assert len(result.rows) == MAX_ROWS
    if not ok:
        assert lines(result) == [0]
        assert str(MAX_ROWS + 1) in result.errors[0].message


# --- pasted text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Họ và tên\tChức vụ\tĐơn vị\nLê Văn Tám\tPhó Bí thư, Chủ tịch\tUBND\nHà Thị Ba\t\tSở\n",
        "Lê Văn Tám\tPhó Bí thư, Chủ tịch\tUBND\nHà Thị Ba\t\tSở\n",
        "Họ và tên;Chức vụ;Đơn vị\r\nLê Văn Tám;Phó Bí thư, Chủ tịch;UBND\r\nHà Thị Ba;;Sở\r\n",
        "Lê Văn Tám;Phó Bí thư, Chủ tịch;UBND\n\nHà Thị Ba;;Sở",
        "1\tLê Văn Tám\tPhó Bí thư, Chủ tịch\tUBND\n2\tHà Thị Ba\t\tSở\n",
        "STT;Họ tên;Chức vụ;Đơn vị\n1;Lê Văn Tám;Phó Bí thư, Chủ tịch;UBND\n2;Hà Thị Ba;;Sở\n",
    ],
    ids=["tabs-header", "tabs", "semicolons-header", "semicolons", "tabs-order", "order-header"],
)
def test_pasted_text(text: str):
    result = parse_subjects_text(text)

    assert result.ok, result.errors
    assert [(row.name, row.position, row.unit) for row in result.rows] == [
        ("Lê Văn Tám", "Phó Bí thư, Chủ tịch", "UBND"),
        ("Hà Thị Ba", "", "Sở"),
    ]


def test_pasted_text_line_numbers_and_errors():
    result = parse_subjects_text("An\tCV\n\n\tChuyên viên\nAn\tCV\n")

    assert [row.line for row in result.rows] == [1, 3, 4]
    assert [error.message for error in result.errors] == [
        "Dòng 3: thiếu họ và tên",
        "Dòng 4: An (CV) trùng với dòng 1",
    ]


@pytest.mark.parametrize("text", ["", "  \n\t\n", "\ufeff"])
def test_pasted_nothing(text: str):
    assert only_error(parse_subjects_text(text)).line == 0


# --- the module itself ------------------------------------------------------------------------


def test_results_are_frozen_values():
    first = parse_subjects_text("An;CV;Phòng")
    again = parse_subjects_text("An;CV;Phòng")

    assert first == again
    assert hash(first) == hash(again)
    with pytest.raises(AttributeError):
        first.rows[0].name = "Bình"  # type: ignore[misc]


def test_module_does_not_import_flask_or_sqlalchemy():
    tree = ast.parse(Path(survey.rounds.importing.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}

    assert {name.split(".")[0] for name in imported} & {"flask", "sqlalchemy"} == set()
    assert "flask_babel" in imported


def test_utf8_bom_is_not_part_of_the_first_header():
    data = codecs.BOM_UTF8 + "Họ và tên,STT\nAn,1\n".encode()

    assert parse_subjects(data, "ds.csv").rows == (SubjectRow(2, "An", "", ""),)


def test_the_nomination_sheet_reader_uses_only_public_helpers():
    import survey.kinds.nomination.sheet

    tree = ast.parse(Path(survey.kinds.nomination.sheet.__file__).read_text(encoding="utf-8"))
    private = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "survey.rounds.importing"
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []


def test_control_characters_are_dropped_from_names():
    result = parse_subjects_text("Họ và tên\tChức vụ\nNguyễn\x00 Văn\x07 An\tPhó\x1b Giám đốc\n")
    assert result.ok, result.errors
    [row] = result.rows
    assert (row.name, row.position) == ("Nguyễn Văn An", "Phó Giám đốc")
