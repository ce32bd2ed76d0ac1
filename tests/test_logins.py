"""Wrong passwords slow the guesser, never the account's owner; a login's cost does not tell
whether the account exists."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from survey.auth.models import User
from survey.security.logins import DEVICE_COOKIE
from survey.security.throttle import LOGIN_PER_ADDRESS, LOGIN_PER_DEVICE, LOGIN_PER_USER_ADDRESS
from tests.conftest import PASSWORD

ATTACKER = "192.0.2.66"
OWNER_ELSEWHERE = "192.0.2.10"


def at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, name="admin", password=PASSWORD):
    return client.post("/login", data={"username": name, "password": password})


#: Each test stays in one window of the limits, however slow the machine.
pytestmark = pytest.mark.usefixtures("throttle_clock")


def test_owner_signs_in_while_an_attacker_keeps_failing(app, make_user, throttle_clock):
    make_user("admin", "admin")
    usual = at(app, ATTACKER)  # the owner's own browser, at what will be the attacker's address
    assert sign_in(usual).status_code == 302
    usual.post("/logout")
    attacker = at(app, ATTACKER)
    statuses = [sign_in(attacker, "Admin", "guess").status_code for _ in range(20)]
    assert statuses == [401] * LOGIN_PER_USER_ADDRESS.failures + [429] * 15
    # from another address, at once
    assert sign_in(at(app, OWNER_ELSEWHERE)).status_code == 302
    assert sign_in(attacker, "admin", "guess").status_code == 429
    # the owner's usual browser, at the attacker's own address
    assert sign_in(usual).status_code == 302
    # a new browser at the attacker's address waits one short window, then signs in
    fresh = at(app, ATTACKER)
    waiting = sign_in(fresh)
    assert waiting.status_code == 429 and "Đăng nhập sai quá nhiều lần" in waiting.text
    throttle_clock[0] += LOGIN_PER_USER_ADDRESS.seconds
    assert sign_in(fresh).status_code == 302
    # and the attacker is slowed again after as many failures
    statuses = [sign_in(attacker, "admin", "guess").status_code for _ in range(8)]
    assert statuses == [401] * LOGIN_PER_USER_ADDRESS.failures + [429] * 3
    assert LOGIN_PER_USER_ADDRESS.seconds <= 300  # "a short delay"


def test_trying_many_names_from_one_address_is_slowed(app, make_user):
    make_user("chairman")
    attacker = at(app, ATTACKER)
    names = [f"user{i}" for i in range(LOGIN_PER_ADDRESS.failures)]
    assert all(sign_in(attacker, name, "guess").status_code == 401 for name in names)
    assert sign_in(attacker, "someone.else", "guess").status_code == 429
    assert sign_in(at(app, OWNER_ELSEWHERE), "chairman").status_code == 302


def test_a_known_browser_has_a_budget_of_its_own(app, make_user):
    make_user("chairman")
    laptop = at(app, ATTACKER)
    assert sign_in(laptop, "chairman").status_code == 302
    cookie = laptop.get_cookie(DEVICE_COOKIE, path="/login")
    assert cookie is not None and cookie.http_only
    assert laptop.get_cookie(DEVICE_COOKIE) is None  # not for "/": sent to the login page only
    laptop.post("/logout")
    for _ in range(LOGIN_PER_DEVICE.failures):
        assert sign_in(laptop, "chairman", "typo").status_code == 401
    assert sign_in(laptop, "chairman").status_code == 429  # its own budget is spent
    # that spent nothing of the address's: a new browser there signs in
    assert sign_in(at(app, ATTACKER), "chairman").status_code == 302
    # a forged or foreign cookie counts for nothing
    forged = at(app, ATTACKER)
    forged.set_cookie(DEVICE_COOKIE, cookie.value + "x", path="/login")
    assert sign_in(forged, "chairman", "typo").status_code == 401


def test_simultaneous_wrong_passwords_are_checked_at_most_the_limit(app, make_user,
                                                                    monkeypatch):
    make_user("admin", "admin")
    checked = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        checked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    start = threading.Barrier(6)

    def attempt(number):
        client = at(app, ATTACKER)
        if number < 6:  # the first six leave together
            start.wait()
        return sign_in(client, "admin", "guess").status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert statuses.count(401) == LOGIN_PER_USER_ADDRESS.failures, statuses
    assert statuses.count(429) == 20 - LOGIN_PER_USER_ADDRESS.failures
    assert len(checked) == LOGIN_PER_USER_ADDRESS.failures  # no password checked beyond it


def _hash_calls(monkeypatch):
    calls = []
    real = hashlib.scrypt

    def recording(password, *, salt, n, r, p, maxmem=0, dklen=64):
        calls.append((n, r, p, maxmem, dklen))
        return real(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)

    monkeypatch.setattr(hashlib, "scrypt", recording)
    return calls


def test_an_unknown_or_locked_name_costs_the_same_hash_as_a_known_one(app, session,
                                                                      make_user, monkeypatch):
    make_user("chairman")
    make_user("former")
    session.get(User, session.scalar(select(User.id).where(User.username == "former"))) \
        .active = False
    session.commit()
    calls = _hash_calls(monkeypatch)
    work = {}
    for name in ("chairman", "nobody.here", "former"):
        calls.clear()
        address = f"192.0.2.{len(work) + 20}"
        assert sign_in(at(app, address), name, "wrong password").status_code == 401
        work[name] = list(calls)
    assert len(work["chairman"]) == 1
    assert work["nobody.here"] == work["chairman"] == work["former"]  # same count and cost


def test_an_unknown_name_takes_about_the_cpu_time_of_a_known_one(app, make_user):
    """CPU time of the whole request (not wall-clock time: other processes do not count),
    the least of three tries each: within a factor of two (it was 17 before)."""
    make_user("chairman")

    def cpu(name, address):
        client = at(app, address)
        start = time.process_time()
        assert sign_in(client, name, "wrong password").status_code == 401
        return time.process_time() - start

    sign_in(at(app, "192.0.2.1"), "warm.up", "wrong password")  # the unknown-name hash, once
    known = min(cpu("chairman", f"192.0.2.{30 + i}") for i in range(3))
    unknown = min(cpu("nobody.here", f"192.0.2.{40 + i}") for i in range(3))
    assert 0.5 < unknown / known < 2, (known, unknown)
