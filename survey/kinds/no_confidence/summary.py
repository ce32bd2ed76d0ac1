"""The Standing Committee's summary of a confidence vote: the pieces its page
(``templates/kinds/no_confidence/_summary.html``) and its PDF are both drawn from.

Built like the poll's summary: the results table in the order the organizer chooses, the
dismissals set apart, a bar per subject, and the method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from survey.documents.charts import HALF, Fill, Segment, stack, svg_bar, swatches
from survey.documents.text import number
from survey.i18n import _, _l
from survey.kinds.base import Label
from survey.kinds.confidence.report import ORDER_LABELS, Order, RoundReport
from survey.kinds.no_confidence.results import LEVEL_LABELS
from survey.tally import no_confidence as nc

#: The orders the summary offers.
ORDERS: Mapping[str, Label] = {
    Order.ballot: ORDER_LABELS[Order.ballot],
    Order.no_confidence: _l("Theo tỷ lệ không tín nhiệm (cao xuống thấp)"),
}

#: "Không tín nhiệm" hatched (as the poll's "thấp"), "tín nhiệm" grey, blank lines white.
FILLS: dict[str, Fill] = {
    "no_confidence": ("hatch", 255, False),
    "confidence": ("#c4c4c4", 196, False),
    "rest": ("#ffffff", 255, False),
}


def title(report: RoundReport) -> str:
    return _("BÁO CÁO KẾT QUẢ BỎ PHIẾU TÍN NHIỆM")


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
        count: int = getattr(self.result.counts, level)
        return count

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
    return [(level.value, str(LEVEL_LABELS[level])) for level in nc.Level]


def vote_parts(line: VoteLine, base: int) -> list[Segment]:
    """"Không tín nhiệm" from the left edge (so the 1/2 mark reads the rule off the bar),
    then "tín nhiệm", then the lines left blank."""
    counts = [(level, line.count(level), line.percent(level))
              for level in ("no_confidence", "confidence")]
    return stack(counts, base, rest=max(base - sum(c for _k, c, _p in counts), 0))


def vote_description(line: VoteLine) -> str:
    parts = [f"{label} {number(line.percent(level))}%" for level, label in vote_levels()]
    return f"{line.order}. {line.name}: " + ", ".join(parts)


def vote_svg(line: VoteLine, base: int) -> Markup:
    return svg_bar(vote_parts(line, base), FILLS, label=vote_description(line),
                   pattern=f"hatch-nc{line.order}", marks=HALF)


def vote_legend_items() -> list[tuple[str, str]]:
    labels = dict(vote_levels())
    return [("no_confidence", labels["no_confidence"]), ("confidence", labels["confidence"]),
            ("rest", _("Không hợp lệ (bỏ trống)"))]



def legend(report: RoundReport) -> list[tuple[Markup, str]]:
    return swatches(vote_legend_items(), FILLS)


def method_lines(report: RoundReport) -> list[str]:
    """The summary's method section: denominator, rounding, thresholds, minimum ballots."""
    base = report.kind_result.base
    rounding = _("Tỷ lệ được tính từ số nguyên, làm tròn đến 2 chữ số thập phân theo quy tắc "
             "làm tròn nửa lên (0,005 thành 0,01).")
    minimum = _("Kết quả chỉ được hiển thị khi thu về ít nhất %(min)d phiếu, để bảo vệ bí mật "
            "của người bỏ phiếu.", min=report.kind_result.min_ballots)
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
