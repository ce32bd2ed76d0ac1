"""What a procedure of linked conferences reads from each step, and what its dossier shows.

A procedure (docs/procedure.md) runs its conferences in order; each ballot step is a round of
its own, and the next step's list is taken from this one's result. The kinds report a closed
round as :class:`Standing` rows (who, for which post, with which share, and whether they go
on); this module decides who is carried to the next step, lays out the dossier's cover table
and each person's trend across earlier rounds, and checks a planning list's limits.

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from survey.tally.nomination import MAX_POSITIONS_PER_PERSON, name_key

#: At most this many people are planned for one post (docs/rules.md#planning-list).
MAX_PER_POST = 3


@dataclass(frozen=True)
class Post:
    """A post a procedure fills or plans for, with how many people it takes (1 to 3)."""

    title: str
    seats: int


@dataclass(frozen=True)
class Nominee:
    """A person on a step's list, with the post they stand for."""

    post: str
    name: str
    #: Their current position, as the ballot shows it.
    current: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """Who this is, as compared: the post and the name by :func:`name_key`."""
        return name_key(self.post), name_key(self.name)


@dataclass(frozen=True)
class Standing:
    """One person's result at one step, as a procedure reads a closed round."""

    post: str
    name: str
    current: str
    #: The votes (agrees) behind the share; ``None`` at a step without a ballot.
    votes: int | None
    #: What the share is of (those summoned); ``None`` at a step without a ballot.
    base: int | None
    #: Share of ``base``, 2 places half-up; ``None`` at a step without a ballot.
    percent: Decimal | None
    #: Goes on to the next step (chosen, approved, or listed at a step that chooses nobody).
    passed: bool
    #: Tied for the last seat among those who qualify: reported, never broken.
    tied: bool = False
    #: Exactly half of the members agree at the deciding vote: the head decides.
    head_decides: bool = False
    #: The head's decision, once recorded (``None``: not needed, or not yet recorded).
    decided: bool | None = None
    #: A name written in on the ballot, not on the list.
    written_in: bool = False
    #: The step chooses nobody (its shares inform the next conference): everyone goes on.
    advisory: bool = False

    @property
    def nominee(self) -> Nominee:
        return Nominee(self.post, self.name, self.current)

    @property
    def pending(self) -> bool:
        """The head must decide before the procedure can go on."""
        return self.head_decides and self.decided is None


def carried(standings: Iterable[Standing]) -> list[Nominee]:
    """Who the next step lists: those who passed, and those tied at a last seat (the next
    conference decides between them; the tie is never broken here). Each person once per
    post, in the order given."""
    seen: set[tuple[str, str]] = set()
    out = []
    for standing in standings:
        nominee = standing.nominee
        if (standing.passed or standing.tied) and nominee.key not in seen:
            seen.add(nominee.key)
            out.append(nominee)
    return out


@dataclass(frozen=True)
class CoverRow:
    """One person in the dossier's cover table: their result at each step (``None``: not on
    that step's list)."""

    post: str
    name: str
    steps: tuple[Standing | None, ...]

    @property
    def last_passed(self) -> int:
        """The last step (1-based) this person passed; 0 if none."""
        passed = [n for n, s in enumerate(self.steps, start=1) if s is not None and s.passed]
        return passed[-1] if passed else 0


def cover_rows(steps: Sequence[Sequence[Standing] | None]) -> list[CoverRow]:
    """Every person of every step, once per post, in the order they first appear; ``steps``
    holds each step's standings (``None`` for a step not held yet)."""
    order: list[tuple[str, str]] = []
    shown: dict[tuple[str, str], tuple[str, str]] = {}
    found: dict[tuple[str, str], dict[int, Standing]] = defaultdict(dict)
    for index, standings in enumerate(steps):
        for standing in standings or ():
            key = standing.nominee.key
            if key not in shown:
                order.append(key)
                shown[key] = (standing.post, standing.name)
            found[key].setdefault(index, standing)
    return [
        CoverRow(*shown[key], tuple(found[key].get(i) for i in range(len(steps))))
        for key in order
    ]


#: A person's figures in one round, as a trend shows them: ``(label, share)`` pairs.
Shares = tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class TrendPoint:
    """A person's figure in one round: when, in what, and the share that matters there."""

    on: date
    what: str
    #: Label → share, in the order they are shown (a poll's three levels, a step's agrees).
    shares: Shares
    #: The round this comes from.
    round_id: int


def trend(points: Iterable[TrendPoint]) -> list[TrendPoint]:
    """A person's points oldest first (then by round), each round once."""
    seen: set[int] = set()
    out = []
    for point in sorted(points, key=lambda p: (p.on, p.round_id)):
        if point.round_id not in seen:
            seen.add(point.round_id)
            out.append(point)
    return out


def unique_shares(rows: Iterable[tuple[str, Shares]]) -> dict[str, Shares]:
    """Each name's figures by :func:`name_key`; a name found twice in the round is left out
    (it could be two people: a name is the only identity there is)."""
    found: dict[str, Shares] = {}
    twice: set[str] = set()
    for name, shares in rows:
        key = name_key(name)
        if key in found:
            twice.add(key)
        found[key] = shares
    return {key: shares for key, shares in found.items() if key not in twice}


def people_named(names: Iterable[str]) -> dict[str, str]:
    """Each distinct name by its key (:func:`name_key`), as first written."""
    out: dict[str, str] = {}
    for name in names:
        out.setdefault(name_key(name), name)
    return out


@dataclass(frozen=True)
class Overplanned:
    """A person planned for more posts than allowed (a warning; nobody is refused)."""

    name: str
    posts: tuple[str, ...]


def overplanned(entries: Iterable[tuple[str, str]]) -> list[Overplanned]:
    """People in more than :data:`MAX_POSITIONS_PER_PERSON` posts of a planning list;
    ``entries`` are ``(post, name)`` pairs."""
    held: dict[str, list[str]] = defaultdict(list)
    shown: dict[str, str] = {}
    for post, name in entries:
        key = name_key(name)
        shown.setdefault(key, name)
        if post not in held[key]:
            held[key].append(post)
    return [Overplanned(shown[key], tuple(posts)) for key, posts in held.items()
            if len(posts) > MAX_POSITIONS_PER_PERSON]


def room_left(planned: Mapping[str, int], post: str, adding: int = 1) -> bool:
    """Whether ``adding`` more people fit the post's planning list (at most
    :data:`MAX_PER_POST`)."""
    return planned.get(post, 0) + adding <= MAX_PER_POST


__all__ = [
    "MAX_PER_POST", "CoverRow", "Nominee", "Overplanned", "Post", "Standing", "TrendPoint",
    "Shares", "carried", "cover_rows", "overplanned", "people_named", "room_left", "trend",
    "unique_shares",
]
