"""The Standing Committee's summary of a nomination round: the pieces its page
(``templates/kinds/nomination/_summary.html``) and its PDF are both drawn from: each position's
entries in the chosen order, a bar per entry against those summoned, and the method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from survey.documents.charts import HALF, Fill, Segment, stack, svg_bar, swatches
from survey.documents.text import number
from survey.i18n import _, _l
from survey.kinds.base import Label
from survey.kinds.confidence.report import ORDER_LABELS, Order, RoundReport
from survey.tally import nomination as nom

#: The orders the summary offers.
ORDERS: Mapping[str, Label] = {
    Order.ballot: ORDER_LABELS[Order.ballot],
    Order.votes: _l("Theo số phiếu đồng ý trong từng chức danh (cao xuống thấp)"),
}

FILLS: dict[str, Fill] = {
    "agree": ("#3a3a3a", 58, True),
    "rest": ("#ffffff", 255, False),
}


def title(report: RoundReport) -> str:
    return _("BÁO CÁO KẾT QUẢ GIỚI THIỆU QUY HOẠCH")


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


def entry_parts(entry: nom.Entry, base: int) -> list[Segment]:
    """The agrees against those summoned; the rest did not agree, were invalid or absent."""
    return stack([("agree", entry.votes, entry.percent)], base,
                 rest=max(base - entry.votes, 0))


def entry_description(group: Group, place: int, entry: nom.Entry) -> str:
    return _("%(position)s – %(place)d. %(name)s: đồng ý %(percent)s%% số người được triệu tập",
             position=group.result.title, place=place, name=entry.name,
             percent=number(entry.percent))


def entry_svg(group: Group, place: int, entry: nom.Entry, base: int) -> Markup:
    return svg_bar(entry_parts(entry, base), FILLS, label=entry_description(group, place, entry),
                   pattern=f"hatch-p{group.number}-{place}", marks=HALF)


def entry_legend_items() -> list[tuple[str, str]]:
    return [("agree", _("Đồng ý")),
            ("rest", _("Không đồng ý, không hợp lệ hoặc không bỏ phiếu"))]



def legend(report: RoundReport) -> list[tuple[Markup, str]]:
    return swatches(entry_legend_items(), FILLS)


def method_lines(report: RoundReport) -> list[str]:
    """The summary's method section: denominator, rounding, thresholds, minimum ballots."""
    base = report.kind_result.base
    rounding = _("Tỷ lệ được tính từ số nguyên, làm tròn đến 2 chữ số thập phân theo quy tắc "
                 "làm tròn nửa lên (0,005 thành 0,01).")
    minimum = _("Kết quả chỉ được hiển thị khi thu về ít nhất %(min)d phiếu, để bảo vệ bí mật "
                "của người bỏ phiếu.", min=report.kind_result.min_ballots)
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
