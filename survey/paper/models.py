"""Entries of paper ballots: they exist only until their ballot is counted.

An entry links a serial to choices, so it lives no longer than needed: when two entries of a
serial agree, the ballot is stored like an electronic one and every entry of that serial is
deleted in the same transaction. A round cannot close while an entry remains.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.ballots.models import new_ballot_id
from survey.db import Base


class PaperEntry(Base):
    """One organizer's reading of one paper ballot."""

    __tablename__ = "paper_entries"
    __table_args__ = (
        # the same person never makes two entries of one serial
        UniqueConstraint("round_id", "serial", "user_id", name="uq_paper_entries_serial_user"),
        UniqueConstraint("round_id", "serial", "number", name="uq_paper_entries_serial_number"),
        {"sqlite_with_rowid": False},  # random keys, no insertion order
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: The serial printed on the paper ballot.
    serial: Mapped[int]
    #: 1 for the first entry of this serial, 2 for the second, 3 for a third…
    number: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The whole ballot is invalid (not issued by the committee, a name crossed out…).
    invalid: Mapped[bool] = mapped_column(default=False)
    #: ``{"<subject id>": level | "blank" | "invalid"}``; empty when the ballot is invalid.
    lines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
