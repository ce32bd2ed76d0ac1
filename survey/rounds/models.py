"""Rounds and their subjects; the lifecycle lives on :class:`Round`."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.errors import QuorumError, RoundStateError
from survey.i18n import _l


class RoundState(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    published = "published"


class BodyKind(StrEnum):
    party = "party"  # header "ĐẢNG CỘNG SẢN VIỆT NAM"
    state = "state"  # header "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


STATE_LABELS = {
    RoundState.draft: _l("Đang chuẩn bị"),
    RoundState.open: _l("Đang bỏ phiếu"),
    RoundState.closed: _l("Đã kết thúc"),
    RoundState.published: _l("Đã công bố"),
}


def round_state(opened_at: datetime | None, closed_at: datetime | None,
                published_at: datetime | None) -> RoundState:
    """A round's state from its three timestamps (what :attr:`Round.state` says)."""
    if opened_at is None:
        return RoundState.draft
    if closed_at is None:
        return RoundState.open
    return RoundState.closed if published_at is None else RoundState.published


def quorum_met(summoned: int, present: int) -> bool:
    """At least two thirds of those summoned are present, in integers (docs/rules.md#quorum)."""
    return summoned > 0 and 3 * present >= 2 * summoned


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The organising body, e.g. "Ban Chấp hành Đảng bộ thành phố".
    body: Mapped[str] = mapped_column(String(300), default="")
    body_kind: Mapped[str] = mapped_column(String(16), default=BodyKind.party)
    #: The kind of round (:mod:`survey.kinds`), fixed when it is created.
    kind: Mapped[str] = mapped_column(String(32), default="confidence")
    place: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date | None]
    #: Attendance as recorded by the organizer; ``None`` until recorded.
    summoned: Mapped[int | None]
    present: Mapped[int | None]
    #: Which count percentages are taken of (``collected`` by default;
    #: docs/rules.md#poll-denominator).
    denominator: Mapped[str] = mapped_column(String(16), default="collected")
    #: Fewer ballots collected than this and no figure is shown; frozen from creation.
    min_ballots: Mapped[int] = mapped_column(default=5)
    created_at: Mapped[datetime]
    #: Set when the organizer opens the round; cards vote from then on.
    opened_at: Mapped[datetime | None]
    #: Set when the organizer closes it; no ballot is accepted afterwards.
    closed_at: Mapped[datetime | None]
    #: Set when results are released to Standing Committee readers.
    published_at: Mapped[datetime | None]
    #: Set by the close, cleared once nothing written while voting is left in the database's
    #: files: old row versions and transaction ids (PostgreSQL), free pages and the WAL
    #: (SQLite). Retried until done (survey.desk.purge); the round's page says so meanwhile.
    purge_pending: Mapped[bool] = mapped_column(default=False, server_default=false())

    # -- what the minutes of the count print (editable until published; see survey.reports) --
    #: The superior body, first line of the header (e.g. "Đảng bộ tỉnh Điện Biên"); may be empty.
    parent_body: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The place name before the date in the header ("Điện Biên Phủ, ngày … tháng … năm …").
    locality: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: The minutes' number after "Số: " (e.g. "05-BB/ĐU"); empty: a blank to fill by hand.
    minutes_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: The summary's (report's) number after "Số: " (e.g. "06-BC/ĐU"); empty: a blank.
    report_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: Who chaired the conference, as the minutes name them.
    chair: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: When the conference began (local time, on ``held_on``).
    conference_time: Mapped[time | None]
    #: When the count ended, local wall-clock time; ``None``: the close time.
    count_ended_at: Mapped[datetime | None]
    #: Paper ballots counted as wholly invalid (survey.paper): a counter, so that no stored
    #: ballot says where it came from.
    paper_invalid: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Paper ballots handed out, as the officer recorded them: identical sheets, counted, never
    #: numbered (an appraisal round records its paper voters by name instead, survey.paper).
    paper_issued: Mapped[int] = mapped_column(default=0, server_default="0")

    # -- appraisal rounds (survey.appraisal); frozen at open like every rule --
    #: Fewer raters than this and a subject gets no figure and no comment anywhere.
    min_raters: Mapped[int] = mapped_column(default=3, server_default="3")
    #: Excellent may be at most this percentage of good, per quota group.
    quota_percent: Mapped[int] = mapped_column(default=20, server_default="20")
    #: ``round`` or ``unit``: where the quota is counted.
    quota_group: Mapped[str] = mapped_column(String(8), default="round", server_default="round")
    #: Raters see and rate only the subjects of their own unit.
    same_unit_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The list was taken from an earlier step's result (survey.procedures): names are added or
    #: removed only there, each with a recorded reason.
    list_locked: Mapped[bool] = mapped_column(default=False, server_default=false())

    subjects: Mapped[list[Subject]] = relationship(
        back_populates="round", order_by="Subject.order", cascade="all, delete-orphan"
    )
    #: The counting committee (ban kiểm phiếu) as the minutes list it.
    counting_committee: Mapped[list[CountingMember]] = relationship(
        order_by="CountingMember.order", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def state(self) -> RoundState:
        return round_state(self.opened_at, self.closed_at, self.published_at)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def results_ready(self) -> bool:
        return self.state in (RoundState.closed, RoundState.published)

    @property
    def absent(self) -> int | None:
        if self.summoned is None or self.present is None:
            return None
        return self.summoned - self.present

    @property
    def has_quorum(self) -> bool:
        if self.summoned is None or self.present is None:
            return False
        return quorum_met(self.summoned, self.present)

    def require_draft(self) -> None:
        if self.state is not RoundState.draft:
            raise RoundStateError(
                _l("Đợt lấy phiếu đã mở: danh sách và quy tắc không thể thay đổi nữa.")
            )

    def require_list_editable(self) -> None:
        """:raises RoundStateError: once the round is open, or if its list was derived."""
        self.require_draft()
        if self.list_locked:
            raise RoundStateError(_l(
                "Danh sách của đợt này được lập từ kết quả bước trước của quy trình: chỉ thêm "
                "hoặc bớt người ở trang quy trình, kèm lý do."
            ))

    def open(self, now: datetime) -> None:
        """Open voting; needs subjects and a quorum of those summoned."""
        self.require_draft()
        if not self.subjects:
            raise RoundStateError(_l("Chưa có người được lấy phiếu nào trong danh sách."))
        if self.summoned is None or self.present is None:
            raise QuorumError(_l("Chưa ghi số người được triệu tập và số người có mặt."))
        if not self.has_quorum:
            raise QuorumError(
                _l(
                    "Không đủ số người có mặt: cần ít nhất 2/3 của %(summoned)d người "
                    "được triệu tập, hiện có %(present)d.",
                    summoned=self.summoned,
                    present=self.present,
                )
            )
        self.opened_at = now

    def close(self, now: datetime) -> None:
        if self.state is not RoundState.open:
            raise RoundStateError(_l("Chỉ có thể kết thúc một đợt đang bỏ phiếu."))
        self.closed_at = now

    def publish(self, now: datetime) -> None:
        if self.state is not RoundState.closed:
            raise RoundStateError(_l("Chỉ có thể công bố một đợt đã kết thúc."))
        self.published_at = now


class Subject(Base):
    """An official on the ballot."""

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: 1-based position on the ballot (the organizer's order, by rank).
    order: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(250), default="")
    unit: Mapped[str] = mapped_column(String(250), default="")
    #: In a nomination round, the position this line is a candidate for (one person may be a
    #: candidate for several positions: one line each); ``None`` in every other kind.
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    #: Appraisal rounds: the roster member this subject is (their own line is never theirs
    #: to rate); ``None`` for a subject who is not on the roster.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)

    round: Mapped[Round] = relationship(back_populates="subjects")


class CommitteeRole(StrEnum):
    """Roles in the counting committee, in the order the minutes list them."""

    head = "head"  # Trưởng ban
    member = "member"  # Ủy viên
    secretary = "secretary"  # Thư ký


class CountingMember(Base):
    """A member of a round's counting committee (ban kiểm phiếu), who signs the minutes."""

    __tablename__ = "counting_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: 1-based position in the minutes' list.
    order: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    #: A :class:`CommitteeRole` value.
    role: Mapped[str] = mapped_column(String(16), default=CommitteeRole.member)
