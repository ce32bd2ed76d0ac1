"""Account use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from survey.auth.models import LoginSession, Role, User
from survey.errors import InvalidInput, NotFound
from survey.i18n import _l

MIN_PASSWORD = 10

#: Checked when no account has the name given: a hash made as every account's is (same method
#: and cost, ``User.hash_password``) of a random password that was thrown away.
UNKNOWN_USER_HASH = (
    "scrypt:32768:8:1$aOAfmFcAcKrdiyLy$4e3d71d61d9f5ce09047fb23d426e79615b5a166004726027f277e0a"
    "966a3c0d148a79a374c25b94b77905fda709c1f547d42edf156c134170d1c971f38c9b95"
)


def create_user(session: Session, username: str, password: str, role: str, now: datetime) -> User:
    username = username.strip()
    if role not in Role.__members__:
        raise InvalidInput(_l("Vai trò không hợp lệ: %(role)s", role=role))
    if not username:
        raise InvalidInput(_l("Cần có tên đăng nhập."))
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(_l("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD))
    exists = session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower())
    )
    if exists is not None:
        raise InvalidInput(_l("Tên đăng nhập “%(name)s” đã có.", name=username))
    user = User(username=username, role=role, created_at=now)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account ``username`` if ``password`` is its password, else ``None``.

    Every attempt checks one password hash, so the time taken does not tell whether the account
    exists or is locked.
    """
    user = session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )
    if user is None:
        check_password_hash(UNKNOWN_USER_HASH, password)  # the same work as a known name
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def has_users(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) > 0


def set_active(session: Session, user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise InvalidInput(_l("Không thể tự khóa tài khoản của mình."))
    user.active = active
    if not active:
        end_sessions(session, user.id)  # a locked account is signed out everywhere


def find_user(session: Session, username: str) -> User:
    """The account ``username`` (case does not matter).

    :raises NotFound: if there is none.
    """
    user = session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )
    if user is None:
        raise NotFound(_l("Không có tài khoản “%(name)s”.", name=username.strip()))
    return user


def change_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new password and end every session of the account: its owner's change
    and an administrator's reset alike. A browser that should stay signed in signs in anew.

    :raises InvalidInput: if the password is too short.
    """
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(_l("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD))
    user.set_password(password)
    end_sessions(session, user.id)


def end_sessions(session: Session, user_id: int) -> int:
    """End every session of ``user_id`` (``survey.auth.sessions``); return how many."""
    ended = session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    return cast(CursorResult[Any], ended).rowcount  # a DELETE's result is a CursorResult
