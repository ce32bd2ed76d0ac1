"""The nomination tally: % of those summoned, seats, ties, write-ins, over-planning."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from survey.tally.confidence import RoundFigures
from survey.tally.nomination import (
    CandidateCounts,
    PositionCounts,
    clean_name,
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


BETWEEN = "invalid lines must be between 0 and the ballots collected"


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (position([1], invalid=-1), BETWEEN),
        (position([1], invalid=39), BETWEEN),
        (position([0], seats=0), "a position has at least one seat"),
        (position([0], seats=-2), "a position has at least one seat"),
        (position([5, -1]), "-1 agrees for 'Người 2' out of 38"),
        (position([36], invalid=3), "36 agrees for 'Người 1' out of 35"),
        (position([1], invalid=38), "1 agrees for 'Người 1' out of 0"),
        (position([20], write_ins={"Lê B": 30, " lê  b": 6}, invalid=3),
         "36 write-ins for 'Lê B' out of 35"),
    ],
)
def test_tally_position_refuses_impossible_counts(counts, message):
    with pytest.raises(ValueError) as caught:
        tally_position(counts, collected=38, summoned=40)
    assert str(caught.value) == message


def test_every_line_over_the_seats_counts_nothing():
    result = tally_position(position([0, 0], write_ins={}, invalid=38), collected=38,
                            summoned=40)
    assert (result.valid, result.invalid) == (0, 38)
    assert [(e.votes, e.percent, e.nominated) for e in result.entries] == [
        (0, Decimal("0.00"), False)] * 2
    assert not result.tie and result.open_seats == 0


@pytest.mark.parametrize(
    ("votes", "seats", "summoned", "expected"),
    [
        # one seat, two equal counts that qualify: both tied, nobody nominated
        ([30, 30], 1, 40, [(False, True), (False, True)]),
        ([30, 30, 31], 1, 40, [(False, False), (False, False), (True, False)]),
        # three seats, one above and three at the cut: one nominated, three tied
        ([30, 29, 29, 29], 3, 40, [(True, False)] + [(False, True)] * 3),
        # exactly half does not qualify, so equal counts at 50% are no tie
        ([25, 20, 20], 2, 40, [(True, False), (False, False), (False, False)]),
        ([21, 20, 20], 1, 40, [(True, False), (False, False), (False, False)]),
        ([21, 21, 20], 1, 40, [(False, True), (False, True), (False, False)]),
        # an odd number summoned: 20 of 39 is over half
        ([20, 20, 19], 1, 39, [(False, True), (False, True), (False, False)]),
        ([20, 20, 19], 2, 39, [(True, False), (True, False), (False, False)]),
        ([1, 1], 1, 0, [(False, False), (False, False)]),  # nobody summoned: nobody qualifies
        ([], 2, 40, []),
    ],
)
def test_ties_at_the_last_seat_and_the_threshold(votes, seats, summoned, expected):
    assert seat_winners(votes, seats, summoned) == expected


def test_open_seats_only_for_a_tie():
    tied = tally_position(position([30, 29, 29, 29], seats=3), collected=38, summoned=40)
    assert [e.name for e in tied.nominated] == ["Người 1"]
    assert [e.name for e in tied.tied] == ["Người 2", "Người 3", "Người 4"]
    assert tied.tie and tied.open_seats == 2
    short = tally_position(position([30, 10], seats=3), collected=38, summoned=40)
    assert len(short.nominated) == 1 and not short.tie
    assert short.open_seats == 0  # seats left empty for want of votes are not "open" by a tie


@pytest.mark.parametrize(
    ("votes", "summoned", "percent", "qualifies"),
    [
        (13333, 20000, "66.67", True),  # 66.665 → 66.67, half-up from integers
        (10000, 20000, "50.00", False),  # exactly half
        (10001, 20000, "50.01", True),  # 50.005 → 50.01
        (9999, 20000, "50.00", False),  # 49.995 shown as 50.00, and under half
        (20, 39, "51.28", True),
        (0, 40, "0.00", False),
        (5, 0, "0.00", False),  # nobody summoned recorded: no percentage, no nomination
    ],
)
def test_percent_of_those_summoned_half_up(votes, summoned, percent, qualifies):
    result = tally_position(position([votes], seats=1), collected=votes, summoned=summoned)
    [entry] = result.entries
    assert str(entry.percent) == percent
    assert entry.qualifies is qualifies and entry.nominated is qualifies


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Lò\tVăn\nLâm ", "Lò Văn Lâm"),  # control characters count as spaces
        ("Lò\x00Văn Lâm", "Lò Văn Lâm"),
        ("lò  văn lâm", "lò văn lâm"),  # case kept
        (unicodedata.normalize("NFD", "Nguyễn Văn Á"), "Nguyễn Văn Á"),  # NFC
        (" \t ", ""),
    ],
)
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean
    assert unicodedata.is_normalized("NFC", clean_name(raw))


def test_write_ins_grouped_by_key_shown_by_the_most_written_spelling():
    grouped = group_write_ins({
        "lê thị b": 3, "Lê Thị B": 3, "LÊ THỊ B": 1,  # a tie of spellings: code-point order
        "Trần C": 2, "trần c": 5,
        "Võ D": 0, "Phạm E": -1,  # no vote: left out
        "\t": 4,  # nothing but space: left out
    })
    assert sorted(grouped) == [("Lê Thị B", 7), ("trần c", 7)]


def test_write_ins_follow_the_listed_candidates_by_votes_then_name():
    result = tally_position(
        position([3], seats=3, write_ins={"Vũ X": 2, "An Y": 2, "Bùi Z": 5}),
        collected=10, summoned=10,
    )
    assert [(e.name, e.listed, e.votes) for e in result.entries] == [
        ("Người 1", True, 3), ("Bùi Z", False, 5), ("An Y", False, 2), ("Vũ X", False, 2)]
    assert [e.current_position for e in result.entries] == [""] * 4


def test_a_tied_person_is_not_counted_for_over_planning():
    def pos(title, votes):
        return PositionCounts(title, 1, (CandidateCounts("Lò Văn Lâm", votes),
                                         CandidateCounts("Vì Thị Hoa", 30)), {}, 0)

    figures = RoundFigures(summoned=40, present=38, issued=38, collected=38)
    # nominated for 3 positions and tied for a fourth: no warning
    result = tally_round(figures, [pos("P1", 31), pos("P2", 31), pos("P3", 31),
                                   pos("P4", 30)])
    assert result.overloads == ()
    assert [p.tie for p in result.positions] == [False, False, False, True]
    # Vì Thị Hoa is tied in P4 and beaten elsewhere; Lò Văn Lâm nominated 3 times
    assert [len(p.nominated) for p in result.positions] == [1, 1, 1, 0]
