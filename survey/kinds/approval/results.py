"""The votes of agreement's tally, their JSON and CSV, and what a procedure reads from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from survey.documents.csv import csv_text
from survey.i18n import _, _l
from survey.kinds.approval.models import head_decisions
from survey.kinds.base import Label
from survey.kinds.counts import mark_counts, round_figures
from survey.kinds.info import columns, head_lines, round_info, subject_entries
from survey.rounds.models import Round
from survey.tally import approval as ap
from survey.tally.procedure import Standing

LEVEL_LABELS: Mapping[str, Label] = {
    ap.Level.agree: _l("Đồng ý"),
    ap.Level.disagree: _l("Không đồng ý"),
}

#: What a deciding vote says of a person (docs/rules.md#collective-vote-majority).
OUTCOME_LABELS = {
    ap.Outcome.approved: _l("Đạt (trên 1/2 tổng số thành viên đồng ý)"),
    ap.Outcome.head_decides: _l("Đúng 1/2: người đứng đầu quyết định"),
    ap.Outcome.not_approved: _l("Không đạt"),
}


def approval_result(session: Session, round_: Round, *, decisive: bool) -> ap.RoundResult:
    counts = mark_counts(session, round_.id)
    return ap.tally_round(
        round_figures(session, round_),
        [ap.SubjectCounts.from_mapping(counts.get(s.id, {})) for s in round_.subjects],
        decisive=decisive, min_ballots=round_.min_ballots,
    )


def approval_json(round_: Round, result: ap.RoundResult) -> dict[str, Any]:
    return ap.approval_document(round_info(round_), subject_entries(round_), result)


def outcome_text(outcome: str | None) -> str:
    return str(OUTCOME_LABELS[ap.Outcome(outcome)]) if outcome else ""


def approval_csv(data: dict[str, Any]) -> str:
    """One row per person (UTF-8 text; the caller adds a BOM for Excel)."""
    header = [_("STT"), _("Họ và tên"), _("Chức danh đề nghị"), _("Chức vụ hiện tại"),
              _("Phiếu phát ra"), _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in ap.Level:
        label = str(LEVEL_LABELS[level])
        header += [label, _("%(level)s (%% số người được triệu tập)", level=label)]
    header.append(_("Kết luận"))
    rows: list[list[Any]] = [header]
    for item in data["subjects"]:
        row = [item["order"], item["name"], item["position"], item["unit"], item["issued"],
               item["collected"], item["valid"], item["invalid"]]
        for level in ap.Level:
            counts, percent = item["counts"] or {}, item["percent"] or {}
            row += [counts.get(level.value), percent.get(level.value)]
        row.append(outcome_text(item["outcome"]))
        rows.append(row)
    return csv_text(rows)


def standings(session: Session, round_: Round, *, decisive: bool) -> list[Standing] | None:
    """Each person's agrees of those summoned; at an advisory vote everyone goes on, at a
    deciding one those approved (or, at exactly half, whom the head approved)."""
    result = approval_result(session, round_, decisive=decisive)
    if result.suppressed:
        return None
    decided = head_decisions(session, round_.id)
    out = []
    for subject, line in zip(round_.subjects, result.subjects, strict=True):
        half = line.outcome is ap.Outcome.head_decides
        decision = decided[subject.id].agreed if half and subject.id in decided else None
        passed = (not decisive or line.outcome is ap.Outcome.approved or decision is True)
        out.append(Standing(
            post=subject.position, name=subject.name, current=subject.unit,
            votes=line.counts.agree, base=result.base, percent=line.percent["agree"],
            passed=passed, head_decides=half, decided=decision, advisory=not decisive,
        ))
    return out


def page_labels() -> dict[str, Any]:
    """What the tables' templates need besides the result (and ``number``)."""
    return {"ap_levels": list(ap.Level), "ap_labels": LEVEL_LABELS, "outcomes": OUTCOME_LABELS}


def recount_text(data: dict[str, Any]) -> str:
    """A recount as a plain table, for reading on screen."""
    rows = [[_("STT"), _("Họ và tên"), _("Đồng ý"), "%", _("Không đồng ý"), "%", _("KHL"),
             _("Kết luận")]]
    for item in data["subjects"]:
        if item["counts"] is None:
            rows.append([str(item["order"]), item["name"]] + ["—"] * 6)
            continue
        row = [str(item["order"]), item["name"]]
        for level in ap.LEVELS:
            row += [str(item["counts"][level]), item["percent"][level]]
        row += [str(item["invalid"]), item["outcome"] or ""]
        rows.append(row)
    return "\n".join(head_lines(data) + columns(rows, left=(1, 7))) + "\n"
