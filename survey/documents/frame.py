"""What every document of a round says besides its results: who held the conference, where and
when, the counting committee, the attendance and the ballots, the fingerprints.

A :class:`Frame` is plain data, gathered once (``survey.reports.report.build_frame``); each kind
adds its results to it, and every document of the round shows the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal

from survey.i18n import _, _l
from survey.tally.confidence import RoundFigures, percent
from survey.tally.recount import BallotSources

#: Roles in the counting committee, as stored (``counting_members.role``).
HEAD, MEMBER, SECRETARY = "head", "member", "secretary"

ROLE_LABELS = {
    HEAD: _l("Trưởng ban"),
    MEMBER: _l("Ủy viên"),
    SECRETARY: _l("Thư ký"),
}


@dataclass(frozen=True)
class Member:
    """A member of the counting committee, who signs the minutes."""

    name: str
    role: str

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))


@dataclass(frozen=True)
class Signatures:
    """Where the counting committee signs the minutes, as the convention lays it out: the
    secretary (left) and the head (right) on the first row, then the members side by side
    under their common title. A blank name is a place to fill in by hand."""

    secretary: Member | None
    head: Member
    members: tuple[Member, ...]

    @property
    def members_title(self) -> str:
        if len(self.members) == 1:
            return _("ỦY VIÊN BAN KIỂM PHIẾU")
        return _("CÁC ỦY VIÊN BAN KIỂM PHIẾU")


def local_time(moment: datetime, tz: tzinfo) -> datetime:
    """A stored UTC timestamp as local wall-clock time (naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).replace(tzinfo=None)


@dataclass(frozen=True, kw_only=True)
class Frame:
    round_id: int
    #: The kind's stored name (:mod:`survey.kinds`).
    kind: str
    #: The round's state (``closed`` or ``published``).
    state: str
    title: str
    body: str
    parent_body: str
    #: ``party`` (header "ĐẢNG CỘNG SẢN VIỆT NAM") or ``state``.
    body_kind: str
    locality: str
    place: str
    held_on: date | None
    conference_time: time | None
    chair: str
    committee: tuple[Member, ...]
    figures: RoundFigures
    #: When the count ended, local wall-clock time.
    count_ended_at: datetime
    #: SHA-256 of the ballot file; ``None`` when no file is given (too few ballots).
    fingerprint: str | None
    audit_head: str | None
    #: How many ballots came from phones and from paper (survey.paper).
    sources: BallotSources | None = None
    #: The minutes' and the summary's numbers after "Số: "; empty: a blank to fill by hand.
    minutes_number: str = ""
    report_number: str = ""

    @property
    def is_party(self) -> bool:
        return self.body_kind == "party"

    @property
    def has_paper(self) -> bool:
        return self.sources is not None and self.sources.paper > 0

    @property
    def absent(self) -> int | None:
        if self.figures.summoned is None or self.figures.present is None:
            return None
        return self.figures.summoned - self.figures.present

    @property
    def quorum(self) -> bool:
        summoned, present = self.figures.summoned, self.figures.present
        return bool(summoned and present is not None and 3 * present >= 2 * summoned)

    @property
    def present_percent(self) -> Decimal | None:
        if not self.figures.summoned or self.figures.present is None:
            return None
        return percent(self.figures.present, self.figures.summoned)

    @property
    def date(self) -> date:
        """The date of the minutes: the conference's, or the day the count ended."""
        return self.held_on or self.count_ended_at.date()

    @property
    def head(self) -> Member | None:
        return next((m for m in self.committee if m.role == HEAD), None)

    @property
    def signers(self) -> tuple[Member, ...]:
        """The committee in signing order: the head first, then the others as listed."""
        head = self.head
        return tuple([head] if head else []) + tuple(m for m in self.committee if m is not head)

    @property
    def signatures(self) -> Signatures:
        """The signature blocks of the minutes; without a committee entered, a head and two
        members to fill in by hand."""
        if not self.committee:
            return Signatures(None, Member("", HEAD), (Member("", MEMBER), Member("", MEMBER)))
        head = self.head or Member("", HEAD)
        secretary = next((m for m in self.committee if m.role == SECRETARY), None)
        others = tuple(m for m in self.committee if m is not self.head and m is not secretary)
        return Signatures(secretary, head, others)

    # -- text the documents share ------------------------------------------------------------

    def sources_sentence(self) -> str:
        """The summary's sentence on phone and paper ballots ("" for a round without paper)."""
        if not self.has_paper:
            return ""
        assert self.sources is not None
        return _("Trong số phiếu thu về có %(phone)d phiếu bỏ bằng điện thoại và %(paper)d "
                 "phiếu giấy (%(invalid)d phiếu giấy không hợp lệ cả phiếu).",
                 phone=self.sources.phone, paper=self.sources.paper,
                 invalid=self.sources.paper_invalid)

    def minutes_number_text(self) -> str:
        """The minutes' "Số: 05-BB/ĐU" line, or its blank ("Số: ……-BB/……")."""
        return _("Số: %(number)s", number=self.minutes_number or "……-BB/……")

    def report_number_text(self) -> str:
        """The summary's "Số: 06-BC/ĐU" line, or its blank ("Số: ……-BC/……")."""
        return _("Số: %(number)s", number=self.report_number or "……-BC/……")

    def date_text(self) -> str:
        d = self.date
        return _("ngày %(d)02d tháng %(m)02d năm %(y)d", d=d.day, m=d.month, y=d.year)

    def place_date_text(self) -> str:
        locality = self.locality or "……………"
        return _("%(place)s, %(date)s", place=locality, date=self.date_text())

    def opening_text(self) -> str:
        """The minutes' first sentence: when, where, who held the conference."""
        when = self.date_text()
        if self.conference_time:
            when = _(
                "vào lúc %(h)02d giờ %(m)02d phút, %(date)s",
                h=self.conference_time.hour,
                m=self.conference_time.minute,
                date=when,
            )
        text = _("Hôm nay, %(when)s", when=when)
        if self.place:
            text += _(", tại %(place)s", place=self.place)
        body = self.body or _("cơ quan, đơn vị")
        return text + _(", %(body)s tổ chức hội nghị: %(title)s.", body=body, title=self.title)

    def ended_text(self) -> str:
        end = self.count_ended_at
        return _(
            "Việc kiểm phiếu kết thúc vào lúc %(h)02d giờ %(m)02d phút, ngày %(d)02d tháng "
            "%(mo)02d năm %(y)d.",
            h=end.hour,
            m=end.minute,
            d=end.day,
            mo=end.month,
            y=end.year,
        )


__all__ = ["HEAD", "MEMBER", "ROLE_LABELS", "SECRETARY", "Frame", "Member", "Signatures",
           "local_time"]
