"""Accounts of organizing officers, administrators and Standing Committee readers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from survey.db import Base


class Role(StrEnum):
    admin = "admin"  # manages accounts; can also run rounds
    organizer = "organizer"  # runs rounds
    observer = "observer"  # reads published rounds only


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    #: scrypt (Werkzeug's default KDF): ``scrypt:32768:8:1$salt$hash``.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    @staticmethod
    def hash_password(password: str) -> str:
        return generate_password_hash(password, method="scrypt")

    def set_password(self, password: str) -> None:
        self.password_hash = self.hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def can_organize(self) -> bool:
        return self.role in (Role.admin, Role.organizer)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin


class LoginSession(Base):
    """A signed-in browser, as the server knows it (:mod:`survey.auth.sessions`).

    Every request of a signed-in browser must find its row; signing out, a password change or
    reset, locking the account and the absolute lifetime end it, whatever the cookie says.
    Holds no address, no browser details and no time but the sign-in's.
    """

    __tablename__ = "login_sessions"

    #: SHA-256 of the random token in the session cookie; the token itself is never stored.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Unix time of the sign-in: the session ends ``ABSOLUTE_TIMEOUT`` seconds after it.
    started: Mapped[int]
