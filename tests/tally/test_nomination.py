"""The nomination tally: % of those summoned, seats, ties, write-ins, over-planning."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from survey.tally.confidence import RoundFigures
from survey.tally.nomination import (
    CandidateCounts,
    PositionCounts,
    group_write_ins,
    name_key,
    seat_winners,
    tally_position,
    tally_round,
)


def position(votes, seats=2, write_ins=None, invalid=0, title="Bí thư"):
    return PositionCounts(
        title=title, seats=seats,
        candidates=tuple(CandidateCounts(f"Người {i}", v) for i, v in enumerate(votes, 1)),
        write_ins=write_ins or {}, invalid=invalid,
    )


def test_exactly_half_of_summoned_is_not_nominated():
    result = tally_position(position([20, 21]), collected=38, summoned=40)
    half, over = result.entries
    assert half.percent == Decimal("50.00") and not half.qualifies and not half.nominated
    assert over.percent == Decimal("52.50") and over.nominated


def test_percent_is_of_summoned_not_of_ballots():
    result = tally_position(position([20]), collected=21, summoned=39)
    assert result.entries[0].percent == Decimal("51.28")
    assert result.entries[0].nominated


@pytest.mark.parametrize(
    ("votes", "seats", "expected"),
    [
        ([30, 29, 28], 2, [(True, False), (True, False), (False, False)]),  # most votes win
        ([30, 28, 28], 2, [(True, False), (False, True), (False, True)]),  # tie at last seat
        ([28, 28, 28], 2, [(False, True)] * 3),
        ([28, 28, 30], 3, [(True, False)] * 3),  # the tie fits: no tie
        ([30, 30, 25], 2, [(True, False), (True, False), (False, False)]),  # tie above the cut
        ([30, 28, 28, 10], 1, [(True, False), (False, False), (False, False), (False, False)]),
        ([20, 20], 1, [(False, False), (False, False)]),  # nobody qualifies: no tie
    ],
)
def test_seats_and_ties(votes, seats, expected):
    assert seat_winners(votes, seats, summoned=40) == expected


def test_tie_at_last_seat_reported_with_every_tied_candidate():
    result = tally_position(position([30, 25, 25], seats=2), collected=38, summoned=40)
    assert [e.name for e in result.nominated] == ["Người 1"]
    assert [e.name for e in result.tied] == ["Người 2", "Người 3"]
    assert result.tie and result.open_seats == 1


def test_over_seat_lines_are_invalid_and_blank_lines_are_disagree():
    # 38 ballots: 3 lines over the seats (not counted), the rest valid; blank = disagree
    result = tally_position(position([30, 0], invalid=3), collected=38, summoned=40)
    assert result.valid == 35 and result.invalid == 3
    assert result.entries[1].votes == 0 and not result.entries[1].nominated
    with pytest.raises(ValueError):
        tally_position(position([36], invalid=3), collected=38, summoned=40)  # 36 > 35 valid


def test_write_in_names_are_normalised_keeping_diacritics():
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn A")
    assert name_key("Nguyễn Văn A") == name_key("nguyễn văn  a") == name_key(nfd)
    assert name_key("Nguyễn Văn A") != name_key("Nguyễn Văn Á")
    grouped = dict(group_write_ins({"Nguyễn Văn A": 12, " nguyễn  văn a ": 6, nfd: 4,
                                    "Nguyễn Văn Á": 3, "": 2}))
    assert grouped == {"Nguyễn Văn A": 22, "Nguyễn Văn Á": 3}


def test_write_ins_are_tallied_like_candidates():
    result = tally_position(
        position([25], seats=2, write_ins={"Lê Thị B": 15, "lê thị b": 7, "Trần C": 1}),
        collected=38, summoned=40,
    )
    names = [(e.name, e.listed, e.votes, e.nominated) for e in result.entries]
    assert names == [("Người 1", True, 25, True), ("Lê Thị B", False, 22, True),
                     ("Trần C", False, 1, False)]
    assert result.entries[1].percent == Decimal("55.00")


def test_warning_when_one_person_is_nominated_for_more_than_three_positions():
    def pos(title, name):
        return PositionCounts(title, 1, (CandidateCounts(name, 30),), {}, 0)

    figures = RoundFigures(summoned=40, present=38, issued=38, collected=38)
    three = tally_round(figures, [pos(f"P{i}", "Lò Văn Lâm") for i in range(3)])
    assert three.overloads == ()
    four = tally_round(
        figures,
        [pos("P1", "Lò Văn Lâm"), pos("P2", "lò văn lâm"), pos("P3", "Lò Văn Lâm"),
         pos("P4", unicodedata.normalize("NFD", "Lò Văn Lâm")), pos("P5", "Lò Văn Lam")],
    )
    [overload] = four.overloads
    assert overload.name == "Lò Văn Lâm" and overload.positions == ("P1", "P2", "P3", "P4")


def test_round_suppressed_below_minimum_and_base_is_summoned():
    figures = RoundFigures(summoned=40, present=38, issued=38, collected=4)
    assert tally_round(figures, [position([3])], min_ballots=5).positions == ()
    figures = RoundFigures(summoned=40, present=38, issued=38, collected=38)
    assert tally_round(figures, [position([3])]).base == 40
