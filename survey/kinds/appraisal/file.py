"""The ballot file of a closed appraisal round (format: :mod:`survey.tally.appraisal_file`).

One record per value a rater gave (a level, a general score, a tasks score, the total of a line
that gave both), never a whole form or a whole line: a named card's form leaves out its holder's
own line, so a whole form could name its rater, and a level written beside its scores could be
found through scores a superior dictated with it. Written from the tally's own inputs, in the
format's one order; no comment; no record of a subject below the minimum of raters. Only values
frozen at the close go in, so the bytes, and the SHA-256 printed in the minutes, never change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey.i18n import _
from survey.kinds.appraisal.results import level_label, rules_of, subject_inputs
from survey.kinds.counts import collected, issued
from survey.kinds.info import file_round_info, subject_entries
from survey.rounds.models import Round
from survey.tally.appraisal_file import encode


def appraisal_ballot_file(session: Session, round_: Round) -> bytes:
    """The file's bytes (the caller has checked that the round's results are ready)."""
    return encode(
        round_info=file_round_info(round_),
        summoned=round_.summoned,
        present=round_.present,
        issued=issued(session, round_.id),
        collected=collected(session, round_.id),
        rules=rules_of(round_),
        subjects=subject_entries(round_),
        inputs=subject_inputs(session, round_),
    )


def recount_text(data: dict[str, Any]) -> str:
    """An appraisal recount as a plain table, for reading on screen."""
    out = [
        _("Đợt số %(id)s: %(title)s", id=data["round"]["id"], title=data["round"]["title"]),
        _("Phiếu phát ra %(i)s, phiếu thu về %(c)s; tối thiểu %(m)s người đánh giá.",
          i=data["issued"], c=data["collected"], m=data["rules"]["min_raters"]),
        "",
    ]
    for item in data["subjects"]:
        if item["suppressed"]:
            out.append(f"{item['order']}. {item['name']}: —")
            continue
        counts = ", ".join(f"{level_label(key)} {n} ({item['percent'][key]}%)"
                           for key, n in item["counts"].items())
        median = item["total"]["median"] or "—"
        out.append(f"{item['order']}. {item['name']} ({item['raters']}): {counts}; "
                   + _("trung vị tổng điểm %(m)s", m=median))
    cohort = data["cohort"]["percent"]
    out.append("")
    out.append(_("%(a)s%% hoàn thành nhiệm vụ trở lên, %(b)s%% hoàn thành tốt nhiệm vụ trở "
                 "lên, %(c)s%% hoàn thành xuất sắc nhiệm vụ.", a=cohort["completed_or_better"],
                 b=cohort["good_or_better"], c=cohort["excellent"]))
    for quota in data["quota"]:
        if quota["breach"]:
            out.append(_("%(where)s: vượt tỷ lệ (%(e)d xuất sắc, %(g)d tốt).",
                         where=quota["group"] or _("Cả đợt"), e=quota["excellent"],
                         g=quota["good"]))
    return "\n".join(out) + "\n"
