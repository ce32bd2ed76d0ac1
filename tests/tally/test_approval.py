"""Votes of agreement on people: shares of those summoned; at the collective's vote more than
half of the members approve and exactly half is left to the head."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from survey.tally import marks_file
from survey.tally.approval import (
    LEVELS,
    Outcome,
    SubjectCounts,
    approval_counts,
    approval_document,
    outcome,
    recount_document,
    recount_marks,
    tally_round,
    tally_subject,
)
from survey.tally.confidence import RoundFigures
from survey.tally.files import recount_round
from survey.tally.recount import SubjectEntry, decode, encode


@pytest.mark.parametrize(
    ("agree", "members", "expected"),
    [
        (4, 7, Outcome.approved),  # 8 > 7
        (3, 7, Outcome.not_approved),  # 6 < 7
        (3, 6, Outcome.head_decides),  # exactly half
        (4, 6, Outcome.approved),  # half and one
        (2, 6, Outcome.not_approved),
        (0, 0, Outcome.not_approved),  # nobody summoned: nothing to approve
        (1, 1, Outcome.approved),
        (1, 2, Outcome.head_decides),
    ],
)
def test_outcome_in_integers(agree, members, expected):
    assert outcome(agree, members) is expected


def test_shares_are_of_those_summoned_and_blank_lines_invalid_for_that_person_only():
    line = tally_subject(SubjectCounts(agree=15, disagree=2), collected=18, summoned=20,
                         decisive=False)
    assert (line.valid, line.invalid) == (17, 1)
    assert line.percent == {"agree": Decimal("75.00"), "disagree": Decimal("10.00")}
    assert line.outcome is None  # an advisory vote decides nothing
    decisive = tally_subject(SubjectCounts(agree=2), collected=3, summoned=3, decisive=True)
    assert decisive.percent["agree"] == Decimal("66.67")  # 2 of 3, half-up
    assert decisive.outcome is Outcome.approved


def test_counts_are_checked():
    with pytest.raises(ValueError):
        tally_subject(SubjectCounts(agree=4, disagree=3), collected=6, summoned=10,
                      decisive=True)
    with pytest.raises(ValueError):
        tally_subject(SubjectCounts(agree=-1), collected=6, summoned=10, decisive=True)


def test_round_below_the_minimum_shows_nothing():
    figures = RoundFigures(summoned=6, present=6, issued=6, collected=4)
    result = tally_round(figures, [SubjectCounts(3, 1)], decisive=True, min_ballots=5)
    assert result.suppressed and result.subjects == () and result.base == 6
    figures = RoundFigures(summoned=6, present=6, issued=6, collected=6)
    result = tally_round(figures, [SubjectCounts(4, 2), SubjectCounts(3, 3)], decisive=True)
    assert [s.outcome for s in result.subjects] == [Outcome.approved, Outcome.head_decides]


SUBJECTS = [SubjectEntry(1, "Vì Thị Hoa", "Phó Giám đốc Sở", "Chánh Văn phòng"),
            SubjectEntry(2, "Lò Văn Minh", "Phó Giám đốc Sở", "Trưởng phòng")]
INFO = {"id": 5, "title": "Bước 5", "body": "Đảng ủy Sở", "kind": "collective_vote",
        "status": "closed", "place": "", "date": None}
BALLOTS = [("agree", "agree")] * 3 + [("agree", "disagree")] + [("disagree", None)] * 2


def test_document_and_recount_agree():
    figures = RoundFigures(summoned=6, present=6, issued=6, collected=6)
    counts = approval_counts(BALLOTS, 2)
    assert [c.as_dict() for c in counts] == [{"agree": 4, "disagree": 2},
                                             {"agree": 3, "disagree": 1}]
    result = tally_round(figures, counts, decisive=True)
    data = approval_document(INFO, SUBJECTS, result)
    assert data["levels"] == list(LEVELS) and data["decisive"] is True
    assert data["denominator"] == "summoned" and data["denominator_value"] == 6
    assert [s["outcome"] for s in data["subjects"]] == ["approved", "head_decides"]
    assert data["subjects"][1]["percent"] == {"agree": "50.00", "disagree": "16.67"}
    assert data["subjects"][1]["invalid"] == 2
    file = encode(round_info={k: INFO[k] for k in ("id", "title", "body", "place", "date")},
                  kind="collective_vote", summoned=6, present=6, issued=6,
                  denominator="collected", min_ballots=5, subjects=SUBJECTS, ballots=BALLOTS,
                  levels=LEVELS)
    version1 = decode(file)
    assert recount_document(recount_round(version1.round, "collective_vote"), version1,
                            decisive=True) == data
    # version 2: the marks per level of each person
    file = marks_file.encode(
        round_info={k: INFO[k] for k in ("id", "title", "body", "place", "date")},
        kind="collective_vote", summoned=6, present=6, issued=6, collected=6,
        invalid_ballots=0, denominator="collected", min_ballots=5, subjects=SUBJECTS,
        levels=LEVELS, counts=[c.as_dict() for c in counts])
    version2 = marks_file.decode(file)
    assert recount_marks(recount_round(version2.round, version2.kind), version2,
                         decisive=True) == data
    suppressed = approval_document(INFO, SUBJECTS, tally_round(figures, counts, decisive=False,
                                                               min_ballots=7))
    assert suppressed["suppressed"] and suppressed["subjects"][0]["outcome"] is None
    assert suppressed["subjects"][0]["counts"] is None


def test_advisory_recount_decides_nothing():
    ballot_file = SimpleNamespace(summoned=20, present=18, issued=18, min_ballots=5,
                                  ballots=[("agree",)] * 15 + [("disagree",)] * 3,
                                  subjects=SUBJECTS[:1])
    data = recount_document({**INFO, "kind": "approval"}, ballot_file, decisive=False)
    assert data["decisive"] is False
    assert data["subjects"][0]["percent"]["agree"] == "75.00"
    assert data["subjects"][0]["outcome"] is None
