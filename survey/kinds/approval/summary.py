"""The summary of a vote of agreement: the pieces its page
(``templates/kinds/approval/_summary.html``) and its PDF are both drawn from.

Built like the confidence vote's: the results table in the order the organizer chooses, the
conclusions set apart, a bar per person against those summoned, and the method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from survey.documents.charts import HALF, Fill, Segment, stack, svg_bar, swatches
from survey.documents.text import number
from survey.i18n import _, _l
from survey.kinds.approval.results import LEVEL_LABELS, OUTCOME_LABELS
from survey.kinds.base import Label
from survey.kinds.confidence.report import ORDER_LABELS, Order, RoundReport
from survey.tally import approval as ap

#: The orders the summary offers.
ORDERS: Mapping[str, Label] = {
    Order.ballot: ORDER_LABELS[Order.ballot],
    Order.votes: _l("Theo số phiếu đồng ý (cao xuống thấp)"),
}

#: "Đồng ý" dark from the left (so the 1/2 mark reads the rule off the bar), "không đồng ý"
#: light grey, blank lines and those who cast no ballot white.
FILLS: dict[str, Fill] = {
    "agree": ("#3a3a3a", 58, True),
    "disagree": ("#c4c4c4", 196, False),
    "rest": ("#ffffff", 255, False),
}


def title(report: RoundReport) -> str:
    if report.kind_result.decisive:
        return _("BÁO CÁO KẾT QUẢ BIỂU QUYẾT NHÂN SỰ")
    return _("BÁO CÁO KẾT QUẢ LẤY PHIẾU ĐỒNG Ý ĐỐI VỚI NHÂN SỰ")


@dataclass(frozen=True)
class AgreementLine:
    """One person of a vote of agreement and their result."""

    order: int
    name: str
    #: The post the person is proposed for.
    position: str
    result: ap.SubjectResult

    @property
    def outcome(self) -> ap.Outcome | None:
        return self.result.outcome

    @property
    def marked(self) -> bool:
        """Shaded in the tables: approved, or left to the head."""
        return self.outcome in (ap.Outcome.approved, ap.Outcome.head_decides)

    @property
    def conclusion(self) -> str:
        return str(OUTCOME_LABELS[self.outcome]) if self.outcome else ""

    def count(self, level: str) -> int:
        return int(getattr(self.result.counts, level))

    def percent(self, level: str) -> Decimal:
        return self.result.percent[level]


def agreement_lines(report: RoundReport, order: Order | str = Order.ballot) -> list[AgreementLine]:
    """The people in ``order``: ballot order, or most agrees first."""
    result: ap.RoundResult = report.kind_result
    if result.suppressed:
        return []
    lines = [AgreementLine(o, name, position, line) for (name, position, o), line
             in zip(report.kind_subjects, result.subjects, strict=True)]
    if Order(order) is Order.votes:
        lines.sort(key=lambda line: (-line.result.counts.agree, line.order))
    return lines


def levels() -> list[tuple[str, str]]:
    """``(level, label)`` in ballot order."""
    return [(level.value, str(LEVEL_LABELS[level])) for level in ap.Level]


def parts(line: AgreementLine, base: int) -> list[Segment]:
    counts = [(level, line.count(level), line.percent(level)) for level in ap.LEVELS]
    return stack(counts, base, rest=max(base - sum(c for _k, c, _p in counts), 0))


def description(line: AgreementLine) -> str:
    shown = [f"{label} {number(line.percent(level))}%" for level, label in levels()]
    return f"{line.order}. {line.name}: " + ", ".join(shown)


def svg(line: AgreementLine, base: int) -> Markup:
    return svg_bar(parts(line, base), FILLS, label=description(line),
                   pattern=f"hatch-ap{line.order}", marks=HALF)


def legend_items() -> list[tuple[str, str]]:
    return [*levels(), ("rest", _("Để trống hoặc không bỏ phiếu"))]


def legend(report: RoundReport) -> list[tuple[Markup, str]]:
    return swatches(legend_items(), FILLS)


def method_lines(report: RoundReport) -> list[str]:
    """The summary's method section: denominator, rounding, the rule, minimum ballots."""
    result: ap.RoundResult = report.kind_result
    lines = [
        _("Tỷ lệ phần trăm tính trên tổng số người được triệu tập (%(n)d).", n=result.base),
        _("Tỷ lệ được tính từ số nguyên, làm tròn đến 2 chữ số thập phân theo quy tắc làm tròn "
          "nửa lên (0,005 thành 0,01)."),
        _("Một dòng không đánh dấu chỉ không hợp lệ đối với người ở dòng đó; các dòng khác của "
          "phiếu vẫn được tính."),
    ]
    if result.decisive:
        lines.append(_(
            "Đạt khi trên 1/2 tổng số thành viên tập thể lãnh đạo đồng ý: 2 × số phiếu đồng ý "
            "> %(n)d. Đúng 1/2 (2 × số phiếu đồng ý = %(n)d): người đứng đầu quyết định. Ngưỡng "
            "được xét bằng số nguyên, không qua tỷ lệ đã làm tròn.", n=result.base))
    else:
        lines.append(_("Kết quả lấy phiếu là căn cứ để tập thể lãnh đạo xem xét ở bước sau; "
                       "không có ngưỡng đạt hay không đạt."))
    lines.append(_("Kết quả chỉ được hiển thị khi thu về ít nhất %(min)d phiếu, để bảo vệ bí "
                   "mật của người bỏ phiếu.", min=result.min_ballots))
    return lines
