"""Paper ballots as printed (read back with pypdf): identical sheets, and each ballot on one
sheet of A4, its foot (the instruction and the stamp box) never alone on a side."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from survey.desk.operations import create_round
from survey.kinds import KINDS, kind_of
from survey.kinds.nomination.paper import WRITE_IN_HEIGHT
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.kinds.paper import PaperGroup
from survey.paper.printing import paper_ballots_pdf
from survey.paper.sheet import SIZES, BallotSheet, paginate
from survey.rounds.importing import SubjectRow, parse_subjects
from survey.rounds.operations import record_attendance
from tests.conftest import NOW

#: Twelve people as a city's lists name them: positions of one or two lines on a ballot.
PEOPLE = [
    ("Lường Văn Thắng", "Giám đốc Sở Nội vụ"),
    ("Quàng Thị Hồng Nhung", "Phó Giám đốc Sở Tài chính"),
    ("Hà Văn Thiện", "Trưởng Ban Tổ chức Thành ủy"),
    ("Lò Thị Mai", "Chánh Văn phòng UBND thành phố"),
    ("Nguyễn Đức Anh", "Trưởng phòng Tổ chức cán bộ"),
    ("Cầm Thị Thu Hà", "Phó Trưởng phòng Kế hoạch – Đầu tư"),
    ("Tòng Văn Hải", "Chủ tịch Hội Nông dân thành phố"),
    ("Vì Thị Ngọc Ánh", "Bí thư Thành đoàn"),
    ("Bạc Cầm Dũng", "Trưởng Công an thành phố"),
    ("Đinh Thị Lan Hương", "Chủ nhiệm Ủy ban Kiểm tra Thành ủy"),
    ("Giàng A Sùng", "Phó Chủ tịch UBND thành phố"),
    ("Mùa Thị Chi", "Chuyên viên chính Văn phòng Thành ủy"),
]
POSITIONS = ["Bí thư Thành ủy", "Phó Bí thư Thường trực Thành ủy", "Chủ tịch UBND thành phố",
             "Phó Chủ tịch UBND thành phố", "Chủ tịch HĐND thành phố",
             "Trưởng Ban Tổ chức Thành ủy", "Chủ nhiệm Ủy ban Kiểm tra Thành ủy",
             "Trưởng Ban Tuyên giáo và Dân vận", "Chánh Văn phòng Thành ủy",
             "Giám đốc Trung tâm Chính trị", "Chủ tịch Ủy ban MTTQ thành phố",
             "Trưởng phòng Nội vụ", "Trưởng phòng Tài chính – Kế hoạch",
             "Chánh Thanh tra thành phố", "Bí thư Thành đoàn"]
FOOT = "Dấu của Ban kiểm phiếu"
#: The longest list every kind's ballot is tried with.
LONGEST = 60
#: The most candidates that fit both sides of a nomination ballot, beside their positions'
#: titles and blank lines for names written in (one line in two more).
NOMINATION_TWO_SIDES = 50


def most_sides(kind: str, count: int) -> int:
    """The sides a ballot of ``count`` lines may take: one up to 20, then both sides of the
    sheet (a nomination's longest lists take a second sheet)."""
    if count <= 20:
        return 1
    return 2 if kind != "nomination" or count <= NOMINATION_TWO_SIDES else 3


def rows(people: list[tuple[str, str]], count: int) -> list[SubjectRow]:
    """``count`` people, ``people`` over again (each name made unique)."""
    out = []
    for i in range(count):
        name, position = people[i % len(people)]
        out.append(SubjectRow(i + 1, name + ("" if i < len(people) else f" {i // 12 + 1}"),
                              position, "Phòng A" if i % 2 else "Phòng B"))
    return out


def round_of(session, kind: str, count: int = LONGEST, people=PEOPLE):
    """A round of ``kind`` with ``count`` lines; a nomination has positions of four candidates,
    1 to 3 seats, and blank lines for names written in."""
    round_ = create_round(session, title="Lấy ý kiến giữa nhiệm kỳ năm 2026", now=NOW, kind=kind,
                          body="Ban Chấp hành Đảng bộ thành phố", min_ballots=1,
                          subjects=[] if kind == "nomination" else rows(people, count))
    if kind == "nomination":
        lines = ["Chức danh quy hoạch,Số người quy hoạch tối đa,Họ và tên,Chức vụ hiện tại"]
        for row in rows(people, count):
            k = (row.line - 1) // 4
            lines.append(f"{POSITIONS[k]},{1 + (k + 1) % 3},{row.name},{row.position}")
        parsed = parse_nominations("\n".join(lines).encode(), "quy-hoach.csv")
        assert parsed.ok, parsed.errors
        replace_nominations(session, round_, parsed)
    record_attendance(session, round_, summoned=count, present=count)
    session.commit()
    return round_


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split())
            for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def ballots(texts: list[str], title: str) -> list[list[str]]:
    """The printed ballots, each as its pages' text: a ballot begins with its title; a blank
    page (the back of a one-sided ballot in a two-sided print) belongs to none."""
    out: list[list[str]] = []
    for text in texts:
        if title in text:
            out.append([text])
        elif text:
            out[-1].append(text)
    return out


def shown(subject) -> str:
    """A line of the ballot as the PDF's text has it: its number, then the name."""
    return f"{subject.order} {subject.name}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_ballot_of_1_to_60_lines_takes_one_sheet(app, session, kind):
    """Up to 20 lines on one side; longer lists on both sides of the sheet; the last side
    always holds lines, never the foot alone (:func:`most_sides`)."""
    round_ = round_of(session, kind)
    layout = kind_of(round_).paper
    (whole,) = kind_of(round_).paper_groups(round_)
    assert len(whole.subjects) == LONGEST
    groups = [(PaperGroup("", whole.subjects[:n]), 1) for n in range(1, LONGEST + 1)]
    with app.test_request_context():
        data = paper_ballots_pdf(round_, layout, groups)
    texts = page_texts(data)
    printed = ballots(texts, str(layout.title))
    assert len(printed) == LONGEST
    for n, pages in enumerate(printed, start=1):
        subjects = whole.subjects[:n]
        assert len(pages) <= most_sides(kind, n), (kind, n, len(pages))
        assert shown(subjects[0]) in pages[0], (kind, n)
        last = pages[-1]
        assert FOOT in last and shown(subjects[-1]) in last, (kind, n)
        for side, text in enumerate(pages[:-1], start=1):
            assert f"Trang {side}/{len(pages)} – xem tiếp mặt sau" in text and FOOT not in text
        if len(pages) > 1:
            assert f"Trang {len(pages)}/{len(pages)}" in last
            before = " ".join(pages[:-1])
            on_last = [s for s in subjects if shown(s) in last and shown(s) not in before]
            assert on_last, (kind, n)  # lines, not the foot alone
    # printed on both sides, every ballot begins a sheet: one with an odd number of sides has
    # a blank back
    sides = [len(pages) + len(pages) % 2 for pages in printed]
    assert len(texts) == sum(sides)
    starts = [sum(sides[:k]) for k in range(LONGEST)]
    assert all(str(layout.title) in texts[start] for start in starts)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_demo_ballot_takes_one_side(app, session, kind):
    """The demo's twelve officials, with their long titles, fit one side at the largest type,
    and so do twenty; the same titles over a long list take both sides of one sheet (a poll's
    and a vote's sixty lines too)."""
    demo = Path(__file__).resolve().parent.parent / "survey" / "data" / "demo-subjects.csv"
    people = [(row.name, row.position)
              for row in parse_subjects(demo.read_bytes(), "demo.csv").rows]
    round_ = round_of(session, kind, count=LONGEST, people=people)
    layout = kind_of(round_).paper
    (whole,) = kind_of(round_).paper_groups(round_)
    sizes = (12, 20, 40, 50) + ((60,) if kind in ("confidence", "no_confidence") else ())
    with app.test_request_context():
        data = paper_ballots_pdf(round_, layout, [(PaperGroup("", whole.subjects[:n]), 1)
                                                  for n in sizes])
    printed = ballots(page_texts(data), str(layout.title))
    # a vote of agreement's lines (two boxes, no write-in) are short enough for forty on a side
    forty = 1 if kind in ("approval", "collective_vote") else 2
    assert [len(pages) for pages in printed] == [1, 1, forty, 2] + [2] * (len(sizes) - 4)
    first = " ".join(page_texts(data)[:1])
    assert FOOT in first and shown(whole.subjects[11]) in first  # the demo: one side, whole
    for n, pages in zip(sizes, printed, strict=True):
        assert FOOT in pages[-1] and shown(whole.subjects[n - 1]) in pages[-1]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_printed_ballot_of_a_round_is_identical(logged_in, session, kind):
    """Whatever the kind, the sheets printed for a round are the same text, page for page: no
    number, no name, nothing that could tell one voter's ballot from another's."""
    round_ = round_of(session, kind, count=30)
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "4"})
    assert response.status_code == 200
    texts = page_texts(response.data)
    printed = ballots(texts, str(kind_of(round_).paper.title))
    assert len(printed) == 4 and all(pages == printed[0] for pages in printed)
    assert len(texts) == 4 * len(printed[0])
    assert "Phiếu số" not in " ".join(texts)


def test_a_blank_line_for_a_name_has_room_to_write_at_any_type(app, session):
    """The smallest type makes the lines low; a line to write a name on by hand keeps 6 mm, and
    a heading's words are never broken across its lines (its type shrinks instead)."""
    round_ = round_of(session, "nomination", count=12)
    table = kind_of(round_).paper_table(round_, list(round_.subjects))
    with app.test_request_context():
        pdf = BallotSheet(title="t", subject="t", author="t")
        for size in (SIZES[0], SIZES[-1]):
            layout = paginate(pdf, table, size, top=60.0, foot=30.0)
            placed = [row for side in layout.sides for row in side]
            blank = [p for p in placed if any(c.text.startswith("Ghi thêm") for c in p.cells)]
            named = [p for p in placed if p.cells[0].text.isdigit()]
            assert blank and named
            assert all(p.height >= WRITE_IN_HEIGHT for p in blank)
            if size == SIZES[-1]:
                assert max(p.height for p in named) < WRITE_IN_HEIGHT
            heading = placed[0]
            words = [w for cell in heading.cells for w in cell.text.split()]
            assert [w for lines in heading.lines for line in lines
                    for w in line.split()] == words  # every word whole, in order
        pdf.output()  # done with its fonts: their files are closed now, not at a later test
