"""The Standing Committee's summary of a confidence vote and of a nomination round.

Built like the poll's summary (:mod:`survey.reports.documents`): the results table in the order
the organizer chooses, the consequence set apart, a bar per subject drawn by the app
(:mod:`survey.reports.charts`), and the method. The page (``templates/reports/
_summary_<kind>.html``) and the PDF (:func:`survey.reports.kinds_pdf.kind_summary_pdf`) are
both rendered from what this module gives, so they show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from survey.i18n import _, _l
from survey.kinds.no_confidence import LEVEL_LABELS as NO_CONFIDENCE_LABELS
from survey.reports import charts
from survey.reports.documents import ORDER_LABELS, Order, RoundReport, number
from survey.tally import no_confidence as nc
from survey.tally import nomination as nom

#: The orders each kind's summary offers (the poll's are :data:`ORDER_LABELS`).
KIND_ORDER_LABELS = {
    "no_confidence": {
        Order.ballot: ORDER_LABELS[Order.ballot],
        Order.no_confidence: _l("Theo tỷ lệ không tín nhiệm (cao xuống thấp)"),
    },
    "nomination": {
        Order.ballot: ORDER_LABELS[Order.ballot],
        Order.votes: _l("Theo số phiếu đồng ý trong từng chức danh (cao xuống thấp)"),
    },
}

#: The one threshold of both kinds: more than half.
HALF = (("1/2", Decimal(1) / 2),)

TITLES = {
    "no_confidence": _l("BÁO CÁO KẾT QUẢ BỎ PHIẾU TÍN NHIỆM"),
    "nomination": _l("BÁO CÁO KẾT QUẢ GIỚI THIỆU QUY HOẠCH"),
}


def order_labels(kind: str) -> dict[Order, object]:
    """The orders a round's summary can be sorted in, with their labels."""
    return KIND_ORDER_LABELS.get(kind, ORDER_LABELS)


def title(report: RoundReport) -> str:
    return str(TITLES[report.kind])


# -- the confidence vote ---------------------------------------------------------------------


@dataclass(frozen=True)
class VoteLine:
    """One subject of a confidence vote and its result."""

    order: int
    name: str
    position: str
    result: nc.SubjectResult

    @property
    def dismissal(self) -> bool:
        return self.result.dismissal

    def count(self, level: str) -> int:
        return getattr(self.result.counts, level)

    def percent(self, level: str) -> Decimal:
        return self.result.percent[level]


def vote_lines(report: RoundReport, order: Order | str = Order.ballot) -> list[VoteLine]:
    """The subjects in ``order``: ballot order, or most "không tín nhiệm" first."""
    result: nc.RoundResult = report.kind_result
    if result.suppressed:
        return []
    lines = [VoteLine(o, name, position, line) for (name, position, o), line
             in zip(report.kind_subjects, result.subjects, strict=True)]
    if Order(order) is Order.no_confidence:
        # one denominator for everyone: the count orders as the share does
        lines.sort(key=lambda line: (-line.result.counts.no_confidence, line.order))
    return lines


def vote_levels() -> list[tuple[str, str]]:
    """``(level, label)`` of the confidence vote, in ballot order."""
    return [(level.value, str(NO_CONFIDENCE_LABELS[level])) for level in nc.Level]


def vote_parts(line: VoteLine, base: int) -> list[charts.Segment]:
    """"Không tín nhiệm" from the left edge (so the 1/2 mark reads the rule off the bar),
    then "tín nhiệm", then the lines left blank."""
    counts = [line.result.counts.no_confidence, line.result.counts.confidence]
    scale = Decimal(max(base, sum(counts), 1))
    parts, start = [], Decimal(0)
    for level, count in zip(("no_confidence", "confidence"), counts, strict=True):
        width = Decimal(count) / scale
        parts.append(charts.Segment(level, start, width, count, line.percent(level)))
        start += width
    rest = max(base - sum(counts), 0)
    if rest:
        parts.append(charts.Segment("rest", start, Decimal(rest) / scale, rest, None))
    return parts


def vote_description(line: VoteLine) -> str:
    parts = [f"{label} {number(line.percent(level))}%" for level, label in vote_levels()]
    return f"{line.order}. {line.name}: " + ", ".join(parts)


def vote_svg(line: VoteLine, base: int) -> Markup:
    return charts.svg_bar(vote_parts(line, base), label=vote_description(line),
                          chart_id=f"nc{line.order}", marks=HALF)


def vote_legend_items() -> list[tuple[str, str]]:
    labels = dict(vote_levels())
    return [("no_confidence", labels["no_confidence"]), ("confidence", labels["confidence"]),
            ("rest", _("Không hợp lệ (bỏ trống)"))]


# -- nomination rounds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One position: its number on the ballot, its result, its entries in the chosen order."""

    number: int
    result: nom.PositionResult
    #: ``(place in the position's table, entry)``.
    entries: tuple[tuple[int, nom.Entry], ...]

    @property
    def nominated(self) -> tuple[nom.Entry, ...]:
        return self.result.nominated

    @property
    def tied(self) -> tuple[nom.Entry, ...]:
        return self.result.tied


def groups(report: RoundReport, order: Order | str = Order.ballot) -> list[Group]:
    """Each position in ballot order; within it, ballot order or most votes first."""
    result: nom.RoundResult = report.kind_result
    out = []
    for number_, position in enumerate(result.positions, start=1):
        entries = list(enumerate(position.entries, start=1))
        if Order(order) is Order.votes:
            entries.sort(key=lambda item: (-item[1].votes, item[0]))
        out.append(Group(number_, position, tuple(entries)))
    return out


def verdict(entry: nom.Entry) -> str:
    """Nominated, tied at the last seat, or not nominated."""
    if entry.nominated:
        return _("Được giới thiệu")
    if entry.tied:
        return _("Bằng phiếu ở vị trí cuối")
    return _("Không được giới thiệu")


def entry_parts(entry: nom.Entry, base: int) -> list[charts.Segment]:
    """The agrees against those summoned; the rest did not agree, were invalid or absent."""
    scale = Decimal(max(base, entry.votes, 1))
    parts = [charts.Segment("agree", Decimal(0), Decimal(entry.votes) / scale, entry.votes,
                            entry.percent)]
    rest = max(base - entry.votes, 0)
    if rest:
        parts.append(charts.Segment("rest", parts[0].width, Decimal(rest) / scale, rest, None))
    return parts


def entry_description(group: Group, place: int, entry: nom.Entry) -> str:
    return _("%(position)s – %(place)d. %(name)s: đồng ý %(percent)s%% số người được triệu tập",
             position=group.result.title, place=place, name=entry.name,
             percent=number(entry.percent))


def entry_svg(group: Group, place: int, entry: nom.Entry, base: int) -> Markup:
    return charts.svg_bar(entry_parts(entry, base),
                          label=entry_description(group, place, entry),
                          chart_id=f"p{group.number}-{place}", marks=HALF)


def entry_legend_items() -> list[tuple[str, str]]:
    return [("agree", _("Đồng ý")),
            ("rest", _("Không đồng ý, không hợp lệ hoặc không bỏ phiếu"))]


# -- both ------------------------------------------------------------------------------------


def legend(report: RoundReport) -> list[tuple[Markup, str]]:
    items = (vote_legend_items() if report.kind == "no_confidence"
             else entry_legend_items())
    return charts.swatches(items)


def method_lines(report: RoundReport) -> list[str]:
    """The summary's method section: denominator, rounding, thresholds, minimum ballots."""
    base = report.kind_result.base
    rounding = _("Tỷ lệ được tính từ số nguyên, làm tròn đến 2 chữ số thập phân theo quy tắc "
                 "làm tròn nửa lên (0,005 thành 0,01).")
    minimum = _("Kết quả chỉ được hiển thị khi thu về ít nhất %(min)d phiếu, để bảo vệ bí mật "
                "của người bỏ phiếu.", min=report.kind_result.min_ballots)
    if report.kind == "no_confidence":
        return [
            _("Tỷ lệ phần trăm tính trên tổng số phiếu thu về (%(n)d): mỗi mức được chia cho "
              "con số này.", n=base),
            rounding,
            _("Một dòng không đánh dấu chỉ không hợp lệ đối với người ở dòng đó; các dòng khác "
              "của phiếu vẫn được tính."),
            _("Đề nghị miễn nhiệm khi có trên 1/2 tổng số phiếu thu về không tín nhiệm: 2 × số "
              "phiếu không tín nhiệm > %(n)d. Đúng 1/2 không đủ. Ngưỡng được xét bằng số "
              "nguyên, không qua tỷ lệ đã làm tròn.", n=base),
            minimum,
        ]
    return [
        _("Tỷ lệ phần trăm tính trên số người được triệu tập (%(n)d), không tính trên số phiếu "
          "thu về.", n=base),
        rounding,
        _("Được giới thiệu khi có trên 1/2 số người được triệu tập đồng ý: 2 × số phiếu đồng ý "
          "> %(n)d; đúng 1/2 không đủ. Nếu nhiều người đạt hơn số người quy hoạch tối đa của "
          "chức danh thì lấy người có số phiếu cao hơn; bằng phiếu ở vị trí cuối thì ghi là "
          "bằng phiếu, không tự chọn người nào.", n=base),
        _("Dòng của một chức danh không hợp lệ khi số người đồng ý cộng số người ghi thêm "
          "vượt quá số người quy hoạch tối đa; dòng để trống được tính là không đồng ý với mọi "
          "người. Tên ghi thêm được gộp khi trùng nhau, không kể chữ hoa, chữ thường và "
          "khoảng trắng (dấu tiếng Việt vẫn phân biệt)."),
        _("Một người được quy hoạch tối đa 3 chức danh: báo cáo lưu ý khi một người được "
          "giới thiệu cho nhiều hơn 3 chức danh."),
        minimum,
    ]


def context(report: RoundReport, order: Order | str) -> dict[str, object]:
    """What the kinds' summary templates need."""
    order = Order(order)
    if report.kind == "no_confidence":
        return {"vote_lines": vote_lines(report, order), "vote_levels": vote_levels()}
    return {"groups": [] if report.kind_result.suppressed else groups(report, order)}
