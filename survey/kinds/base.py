"""What every kind of round is: the one class a kind implements.

Everything that differs from one kind of round to another is a method or an attribute of its
:class:`Kind`; the code outside :mod:`survey.kinds` asks the round's kind
(:func:`survey.kinds.kind_of`) and never compares kind names. The defaults here are those of
the simplest ballot (one level per subject, anonymous cards); each kind overrides what it does
differently.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import click
from flask import Blueprint
from flask.typing import ResponseReturnValue
from sqlalchemy import Table
from sqlalchemy.orm import Session

from survey.ballots.models import Mark
from survey.ballots.operations import CardCheck
from survey.documents.frame import Frame
from survey.errors import InvalidInput
from survey.i18n import _l
from survey.kinds.paper import PaperGroup, PaperLayout, PaperTable, Reading, lines_table
from survey.rounds.importing import MAX_ROWS, RowError, SubjectRow, parse_subjects
from survey.rounds.models import Round, Subject
from survey.rounds.operations import replace_subjects
from survey.tally.procedure import Nominee, Post, Shares, Standing


class Label(Protocol):
    """A label: a lazy translation or a plain string; ``str()`` gives the text."""

    def __str__(self) -> str: ...


class Form(Protocol):
    """A posted form as the voter pages read it (Werkzeug's ``MultiDict`` or alike)."""

    def lists(self) -> Any: ...


#: ``ballot_ids(round_id)``: the subject ids of an open round's ballot, from a cache the caller
#: keeps (the voter pages'), so that a cast need not ask the database.
BallotIds = Callable[[int], Collection[int]]


@dataclass(frozen=True)
class ListImport:
    """A list read from an uploaded sheet: every row read and every problem found."""

    errors: tuple[RowError, ...]
    #: The subjects, when the list is one subject per row.
    rows: tuple[SubjectRow, ...] = ()
    #: Whatever else the kind read from the sheet (a nomination's positions).
    sheet: Any = None
    #: How many lines the sheet holds.
    count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.count > 0


class Kind:
    """A kind of round. The registry (:mod:`survey.kinds`) holds one instance of each."""

    #: Stored in ``rounds.kind``; never changes once a round exists.
    name: ClassVar[str]
    #: Shown to people.
    label: ClassVar[Label]
    #: What a ballot line can hold, in ballot order: stored value → label.
    levels: ClassVar[Mapping[str, Label]]
    #: Cards are printed for named roster members (their own line is left off their ballot).
    named_cards: ClassVar[bool] = False
    #: The ballot is grouped by position, with seats and write-ins.
    has_positions: ClassVar[bool] = False
    #: The path segment its voter forms post to (``/v/<path>/review``); ``""``: ``/v/review``.
    voter_path: ClassVar[str] = ""
    #: The endpoint where the organizer edits the list (called with ``round_id``).
    list_endpoint: ClassVar[str] = "rounds.subjects"
    #: Its paper ballot; ``None``: it has none.
    paper: ClassVar[PaperLayout | None] = None
    #: A ballot line is invalid per position, not per subject: the documents give no count of
    #: valid and invalid ballots.
    per_position_validity: ClassVar[bool] = False
    #: The organizer's pages of this kind, if it has any (registered by the app).
    blueprint: ClassVar[Blueprint | None] = None
    #: The page of the kind's own rules (called with ``round_id``) and its link's text.
    settings_endpoint: ClassVar[str | None] = None
    settings_label: ClassVar[Label | None] = None
    #: What a closed round of this kind can lead to: the endpoint that prepares it.
    follow_up: ClassVar[str | None] = None
    #: The most people one list of the kind may hold.
    max_list_rows: ClassVar[int] = MAX_ROWS
    #: The kind's own ``survey`` commands (click groups), added to the command line.
    commands: ClassVar[tuple[click.Command, ...]] = ()

    def level_labels(self) -> dict[str, str]:
        """The levels' names in the current language, translated once."""
        return {value: str(label) for value, label in self.levels.items()}

    # -- preparing a round -----------------------------------------------------------------------

    def read_list(self, data: bytes, filename: str) -> ListImport:
        """The list of an uploaded ``.csv``/``.xlsx`` sheet: one subject per row."""
        parsed = parse_subjects(data, filename, max_rows=self.max_list_rows)
        return ListImport(parsed.errors, parsed.rows, count=len(parsed.rows))

    def replace_list(self, session: Session, round_: Round, parsed: ListImport) -> None:
        """Make an imported list the round's ballot."""
        self.replace_subjects(session, round_, parsed.rows)

    def replace_subjects(self, session: Session, round_: Round,
                         rows: Sequence[SubjectRow]) -> None:
        """Make ``rows`` the ballot, in the order given."""
        replace_subjects(session, round_, rows)

    def check_ready(self, round_: Round) -> None:
        """:raises RoundStateError: if the round cannot open yet, for a reason of its kind."""

    # -- voting ----------------------------------------------------------------------------------

    def read_ballot(self, form: Form) -> Any:
        """The ballot a voter page posted, parsed (not yet checked against the round).

        :raises CardRejected: if the form is malformed (a line posted twice, say).
        """
        raise NotImplementedError

    def cached_ids(self) -> BallotIds | None:
        """Where the voter pages keep an open round's ballot ids, if they do: passed to
        :meth:`check_ballot` by the pages, so that a cast need not ask the database."""
        return None

    def check_ballot(self, session: Session, card: CardCheck, ballot: Any, *,
                     ballot_ids: BallotIds | None = None, cast: bool = False) -> Any:
        """Check ``ballot`` against ``card``'s round; return what :meth:`store_ballot` takes.

        ``cast``: the ballot is about to be stored (not shown again for review or editing).

        :raises CardRejected: ``bad_ballot`` if a line is not on this card's ballot.
        """
        raise NotImplementedError

    def store_ballot(self, session: Session, round_id: int, ballot_id: str,
                     checked: Any) -> None:
        """Insert the lines of a checked ballot; the caller stored its row ``ballot_id``."""
        raise NotImplementedError

    def ballot_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Any = None) -> ResponseReturnValue:
        """The voter's ballot: empty, or with ``ballot``'s answers put back."""
        raise NotImplementedError

    def review_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Any) -> ResponseReturnValue:
        """The answers listed before the final submit."""
        raise NotImplementedError

    def card_holders(self, session: Session, round_id: int,
                     serials: Collection[int]) -> dict[int, str]:
        """The names printed on the cards ``serials`` (named cards only)."""
        return {}

    def check_anonymous_cards(self, round_: Round) -> None:
        """Refuse anonymous cards for a kind whose cards are named: such a card belongs to
        nobody, cannot vote, yet would count as issued.

        :raises InvalidInput: if this kind's cards are named.
        """
        if self.named_cards:
            raise InvalidInput(_l("Đợt này dùng thẻ có tên: không tạo thẻ không tên."))

    # -- paper ballots ----------------------------------------------------------------------------

    def paper_groups(self, round_: Round) -> list[PaperGroup]:
        """Who gets the same paper ballot, and its lines: every sheet of a group is identical.
        By default the round is one group, whose sheet is the whole ballot."""
        return [PaperGroup("", tuple(round_.subjects))]

    def paper_read(self, round_: Round, reading: Reading, printed: Sequence[Subject],
                   write_ins: Mapping[int, Sequence[str]],
                   scores: Mapping[int, tuple[str, str]]) -> Reading:
        """What the kind adds to a checked entry: its write-ins, its scores.

        :raises InvalidInput: naming what is wrong with them.
        """
        return reading

    def paper_store(self, session: Session, round_: Round, ballot_id: str,
                    reading: Reading) -> None:
        """Store an agreed paper ballot as the kind stores a phone's (its row is stored)."""
        raise NotImplementedError

    def paper_table(self, round_: Round, subjects: Sequence[Subject]) -> PaperTable:
        """What the printed ballot's table holds for the lines ``subjects`` (a group's): one
        box per level, in the ballot's order."""
        assert self.paper is not None
        return lines_table(self.paper, subjects)

    def record_paper_voters(self, session: Session, round_: Round,
                            orders: Sequence[int]) -> list[int]:
        """Named kinds: record that the roster members numbered ``orders`` vote on paper (they
        get their group's form, and no card); returns the numbers of the records.

        :raises InvalidInput: for a kind whose paper voters are not named.
        """
        raise InvalidInput(_l("Loại đợt này không ghi người bỏ phiếu giấy theo tên."))

    def paper_voters(self, session: Session, round_id: int) -> dict[int, Any] | None:
        """Named kinds: the roster members recorded as voting on paper, by their record's
        number; ``None`` for a kind whose paper ballots are handed out by count."""
        return None

    def paper_differences(self, round_: Round, readings: Sequence[Reading],
                          whole: str) -> list[tuple[int, str, tuple[str, ...]]]:
        """Where entries of one ballot differ besides its lines: ``(line number, what,
        each entry's text)``; ``whole`` is the text of a wholly invalid entry."""
        return []

    # -- the close -------------------------------------------------------------------------------

    #: Tables whose rows hang off a ballot row (``ballot_id``): rewritten with it at the close.
    ballot_tables: ClassVar[tuple[Table, ...]] = ()
    #: The tables that hold what its ballots said besides :attr:`ballot_tables`: the marks of a
    #: ballot of lines, or a kind's own tables (rewritten by :meth:`shuffle`). After the close
    #: the purge rewrites these and :attr:`ballot_tables` whole, so that no file keeps a row
    #: version from voting (survey.desk.purge); a table it does not list is left alone.
    stored_tables: ClassVar[tuple[Table, ...]] = (Mark.__table__,)

    def shuffle(self, session: Session, round_id: int) -> None:
        """Rewrite what the kind stores apart from the ballot rows in random order, under
        fresh ids (the ballot rows and :attr:`ballot_tables` are rewritten by the close)."""

    # -- pages -----------------------------------------------------------------------------------

    def round_context(self, session: Session, round_: Round) -> dict[str, Any]:
        """What the round's page and the projector show besides the turnout."""
        return {}

    # -- results and documents -------------------------------------------------------------------
    #
    # A kind computes its tally (pure code in survey.tally, over counts from the database), and
    # says what every document of a closed round shows (its ``report``: the round's frame of
    # survey.documents.frame and the kind's figures). The documents toolkit lays them out.

    #: The orders its summary can be sorted in (value → label); the first is the default.
    summary_orders: ClassVar[Mapping[str, Label]]
    #: The templates of its documents' bodies (``minutes``, ``summary``), included by the pages
    #: and by the files ``survey report --format html`` writes.
    documents: ClassVar[Mapping[str, str]] = {}

    def tally_json(self, session: Session, round_: Round) -> dict[str, Any]:
        """The tally as ``survey tally --format json`` and ``results.json`` give it."""
        raise NotImplementedError

    def tally_csv(self, session: Session, round_: Round) -> str:
        """The tally as CSV (UTF-8 text; the caller adds a BOM)."""
        raise NotImplementedError

    def report(self, session: Session, round_: Round, frame: Frame, *,
               published_only: bool) -> Any:
        """What every document of the closed round shows, gathered once around ``frame``.

        :param published_only: compare with earlier *published* rounds only (readers).
        """
        raise NotImplementedError

    def results_page(self, session: Session, round_: Round) -> str:
        """The results page of a closed round."""
        raise NotImplementedError

    def page_context(self, report: Any, order: str) -> dict[str, Any]:
        """What the templates of :attr:`documents` need besides ``round``."""
        raise NotImplementedError

    def minutes_pdf(self, report: Any) -> bytes:
        raise NotImplementedError

    def summary_pdf(self, report: Any, order: str) -> bytes:
        raise NotImplementedError

    def workbook(self, report: Any) -> bytes:
        raise NotImplementedError

    def recount(self, data: bytes) -> dict[str, Any]:
        """A ballot file of this kind counted again, as :meth:`tally_json` gives the tally.

        :raises RecountError: if ``data`` is not a well-formed ballot file.
        """
        raise NotImplementedError

    def recount_text(self, document: dict[str, Any]) -> str:
        """A recount (:meth:`recount`) as plain text, for reading on screen."""
        raise NotImplementedError

    # -- a step of a procedure (survey.procedures) -----------------------------------------------
    #
    # A procedure links rounds: each step's list is taken from the previous step's result. A kind
    # that can be such a step lists its ballot as nominees (each with the post they stand for),
    # makes a list of nominees its ballot, and reads its closed result as standings.

    def nominees(self, round_: Round) -> list[Nominee]:
        """The round's list, each person with the post they stand for, in ballot order.

        :raises InvalidInput: for a kind that is never a step of a procedure.
        """
        raise InvalidInput(_l("Loại đợt này không là một bước của quy trình."))

    def set_nominees(self, session: Session, round_: Round, posts: Sequence[Post],
                     nominees: Sequence[Nominee], *, write_ins: bool) -> None:
        """Make ``nominees`` the draft round's ballot, for ``posts`` (with their seats);
        ``write_ins``: the ballot offers write-in names where the kind has them.

        :raises InvalidInput: for a kind that is never a step of a procedure.
        """
        raise InvalidInput(_l("Loại đợt này không là một bước của quy trình."))

    def standings(self, session: Session, round_: Round) -> list[Standing] | None:
        """Who the closed round chose, with which share, in ballot order; ``None`` while its
        figures are withheld (too few ballots).

        :raises InvalidInput: for a kind that is never a step of a procedure.
        """
        raise InvalidInput(_l("Loại đợt này không là một bước của quy trình."))

    def shares_by_name(self, session: Session, round_: Round) -> dict[str, Shares]:
        """Each person's key figures in the closed round, by name key, for the trend a later
        procedure's dossier shows (a name found twice is left out); empty: none to show."""
        return {}

    def ballot_lines(self, session: Session, round_: Round) -> Iterator[bytes]:
        """The lines of the round's ballot file (formats in survey.tally, docs/formats.md).

        :raises RoundStateError: if too few ballots were collected for one to be given.
        """
        raise NotImplementedError


__all__ = ["BallotIds", "Form", "Kind", "Label", "ListImport"]
