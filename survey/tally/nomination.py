"""Tally of a nomination round (giới thiệu quy hoạch), per position.

For each candidate a ballot line says Đồng ý (agree) or not; a blank line counts as disagree for
every candidate. A line whose agrees plus write-ins exceed the position's seats is invalid for
that position and none of it is counted. Percentages are of the people **summoned**; a person is
nominated with more than half of them (``2*votes > summoned``); when more qualify than there are
seats the most votes win, and a tie at the last seat is reported as a tie, never broken.
Written-in names are grouped by :func:`name_key` and tallied like candidates.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from survey.tally.confidence import RoundFigures, percent

#: One person may be planned for at most this many positions
#: (docs/rules.md#three-positions-per-person).
MAX_POSITIONS_PER_PERSON = 3


def name_key(name: str) -> str:
    """A name as compared: NFC, case-folded, single spaces; diacritics are kept.

    "Nguyễn Văn A" and "nguyễn văn  a" are the same name, "Nguyễn Văn Á" is another; a name
    typed with combining marks (NFD) equals the same name typed precomposed.
    """
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def clean_name(name: str) -> str:
    """A name as stored and shown: NFC with its whitespace collapsed (case kept); control
    characters count as spaces."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name)
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class CandidateCounts:
    """A listed candidate and the agrees of the position's valid lines."""

    name: str
    agree: int
    current_position: str = ""


@dataclass(frozen=True)
class PositionCounts:
    """What the ballots say about one position."""

    title: str
    seats: int
    candidates: tuple[CandidateCounts, ...]
    #: Written-in names as typed (clean), each with the number of valid lines naming it.
    write_ins: Mapping[str, int]
    #: Lines over the seats.
    invalid: int


@dataclass(frozen=True)
class Entry:
    """A listed candidate or a written-in name, with its votes."""

    name: str
    current_position: str
    #: False for a written-in name.
    listed: bool
    votes: int
    #: Percentage of those summoned, 2 places, half-up.
    percent: Decimal
    #: More than half of those summoned (``2*votes > summoned``).
    qualifies: bool
    nominated: bool
    #: Qualifies and is tied for the last seat: the competent body decides.
    tied: bool


@dataclass(frozen=True)
class PositionResult:
    title: str
    seats: int
    #: Ballots collected whose line for this position counts.
    valid: int
    invalid: int
    #: Listed candidates in ballot order, then write-ins by votes (most first), then name.
    entries: tuple[Entry, ...]

    @property
    def nominated(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.nominated)

    @property
    def tied(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.tied)

    @property
    def tie(self) -> bool:
        return bool(self.tied)

    @property
    def open_seats(self) -> int:
        """Seats not filled because of a tie at the last seat."""
        return self.seats - len(self.nominated) if self.tie else 0


@dataclass(frozen=True)
class Overload:
    """One person (by :func:`name_key`) nominated for more positions than allowed."""

    name: str
    positions: tuple[str, ...]


@dataclass(frozen=True)
class RoundResult:
    figures: RoundFigures
    #: Those summoned: what percentages and the threshold are taken of.
    base: int
    min_ballots: int
    suppressed: bool
    #: One result per position in ballot order; empty when suppressed.
    positions: tuple[PositionResult, ...]
    #: People nominated for more than :data:`MAX_POSITIONS_PER_PERSON` positions.
    overloads: tuple[Overload, ...]


def qualifies(votes: int, summoned: int) -> bool:
    """``2*votes > summoned``: over half of those summoned; exactly half is not enough."""
    return summoned > 0 and 2 * votes > summoned


def seat_winners(votes: Sequence[int], seats: int, summoned: int) -> list[tuple[bool, bool]]:
    """``(nominated, tied)`` for each vote count, in the order given.

    Of those who qualify, the most votes win the seats; when the last seat falls among equal
    counts and not all of them fit, every one of them is reported tied and none nominated.
    """
    qualified = sorted((v for v in votes if qualifies(v, summoned)), reverse=True)
    if len(qualified) <= seats:
        return [(qualifies(v, summoned), False) for v in votes]
    cut = qualified[seats - 1]  # the votes of the last seat
    above = sum(1 for v in qualified if v > cut)
    at_cut = sum(1 for v in qualified if v == cut)
    fits = above + at_cut <= seats
    out = []
    for v in votes:
        if not qualifies(v, summoned) or v < cut:
            out.append((False, False))
        elif v > cut or fits:
            out.append((True, False))
        else:
            out.append((False, True))
    return out


def group_write_ins(names: Mapping[str, int]) -> list[tuple[str, int]]:
    """Written-in names grouped by :func:`name_key`: ``(shown name, total)``.

    The shown name is the spelling written most often (then the first in code-point order).
    """
    totals: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for raw, count in names.items():
        name = clean_name(raw)
        if not name or count <= 0:
            continue
        key = name_key(name)
        totals[key] += count
        spellings[key][name] += count
    grouped = []
    for key, total in totals.items():
        shown = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
        grouped.append((shown, total))
    return grouped


def tally_position(counts: PositionCounts, collected: int, summoned: int) -> PositionResult:
    """:raises ValueError: on negative counts, or more invalid lines than ballots."""
    if counts.invalid < 0 or counts.invalid > collected:
        raise ValueError("invalid lines must be between 0 and the ballots collected")
    if counts.seats < 1:
        raise ValueError("a position has at least one seat")
    valid = collected - counts.invalid
    rows: list[tuple[str, str, bool, int]] = []
    for candidate in counts.candidates:
        if not 0 <= candidate.agree <= valid:
            raise ValueError(f"{candidate.agree} agrees for {candidate.name!r} out of {valid}")
        rows.append((candidate.name, candidate.current_position, True, candidate.agree))
    written = sorted(group_write_ins(counts.write_ins), key=lambda item: (-item[1], item[0]))
    for name, votes in written:
        if votes > valid:
            raise ValueError(f"{votes} write-ins for {name!r} out of {valid}")
        rows.append((name, "", False, votes))
    winners = seat_winners([votes for *_, votes in rows], counts.seats, summoned)
    entries = tuple(
        Entry(
            name=name,
            current_position=current,
            listed=listed,
            votes=votes,
            percent=percent(votes, summoned),
            qualifies=qualifies(votes, summoned),
            nominated=nominated,
            tied=tied,
        )
        for (name, current, listed, votes), (nominated, tied) in zip(rows, winners, strict=True)
    )
    return PositionResult(
        title=counts.title, seats=counts.seats, valid=valid, invalid=counts.invalid,
        entries=entries,
    )


def overloads(positions: Iterable[PositionResult]) -> tuple[Overload, ...]:
    """People nominated for more than :data:`MAX_POSITIONS_PER_PERSON` positions."""
    held: dict[str, list[str]] = defaultdict(list)
    shown: dict[str, str] = {}
    for position in positions:
        for entry in position.nominated:
            key = name_key(entry.name)
            shown.setdefault(key, entry.name)
            held[key].append(position.title)
    return tuple(
        Overload(shown[key], tuple(titles))
        for key, titles in held.items()
        if len(titles) > MAX_POSITIONS_PER_PERSON
    )


def tally_round(
    figures: RoundFigures, positions: Iterable[PositionCounts], *, min_ballots: int = 5
) -> RoundResult:
    """Tally every position in ballot order; below ``min_ballots`` nothing per position."""
    summoned = figures.summoned or 0
    suppressed = figures.collected < min_ballots
    results = (
        ()
        if suppressed
        else tuple(tally_position(p, figures.collected, summoned) for p in positions)
    )
    return RoundResult(
        figures=figures,
        base=summoned,
        min_ballots=min_ballots,
        suppressed=suppressed,
        positions=results,
        overloads=overloads(results),
    )
