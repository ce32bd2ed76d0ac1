"""The load generator: voters with phones, and a ``/healthz`` hammer, over real HTTP.

Each voter is an asyncio task with its own cookie jar and its own keep-alive connection, as a
phone has, and walks the whole voter flow: the landing page and its assets, the card claim
(which answers with the ballot page), the review step, the cast and the thank-you page. Every
request is bounded in time and every phase in count and time; traffic goes only to the server
the caller names (the benchmark only ever names 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import aiohttp

#: The steps of one vote, in order, as reported.
STEPS = ("landing", "assets", "claim", "review", "cast", "thanks")
LEVELS = ("high", "confidence", "low")

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"')
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


class VoteError(Exception):
    """A step answered something a phone would show as a failure."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass
class VoteRun:
    """What the voters saw."""

    voters: int
    wall: float = 0.0
    #: Seconds per request, by step.
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    #: ``(step, reason)`` → how many voters failed there.
    errors: Counter = field(default_factory=Counter)
    #: The choices of every cast the server confirmed (303 to the thank-you page).
    confirmed: list[dict[int, str]] = field(default_factory=list)
    requests: int = 0
    #: Bytes received per step by the first voter (headers and body), for the page weight.
    first_voter_bytes: dict[str, int] = field(default_factory=dict)
    #: The ballot page as the first voter received it.
    ballot_html: str = ""
    #: CPU seconds of this (client) process during the phase.
    client_cpu: float = 0.0

    @property
    def requests_per_vote(self) -> float:
        return self.requests / len(self.confirmed) if self.confirmed else 0.0

    @property
    def ballots_per_second(self) -> float:
        return len(self.confirmed) / self.wall if self.wall else 0.0


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def _size(response: aiohttp.ClientResponse, body: bytes) -> int:
    head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n")
    head += sum(len(k) + len(v) + 4 for k, v in response.raw_headers) + 2
    return head + len(body)


def _choices(rng: random.Random, subject_ids: Sequence[int], blank: float) -> dict[int, str]:
    return {s: rng.choice(LEVELS) for s in subject_ids if rng.random() >= blank}


class _Voter:
    def __init__(self, base: str, run: VoteRun, first: bool, timeout: float) -> None:
        self.base = base
        self.run = run
        self.first = first
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def _request(self, http: aiohttp.ClientSession, step: str, method: str, path: str,
                       data: dict | None = None, expect: int = 200) -> tuple[str, str]:
        started = time.perf_counter()
        try:
            async with http.request(method, self.base + path, data=data, allow_redirects=False,
                                    timeout=self.timeout) as response:
                body = await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise VoteError(step, type(exc).__name__) from None
        finally:
            self.run.requests += 1
        self.run.latencies[step].append(time.perf_counter() - started)
        if self.first:
            self.run.first_voter_bytes[step] = (
                self.run.first_voter_bytes.get(step, 0) + _size(response, body))
        if response.status != expect:
            raise VoteError(step, f"HTTP {response.status}")
        return body.decode("utf-8", "replace"), response.headers.get("Location", "")

    async def vote(self, code: str, choices: dict[int, str], *, assets: bool, think: float,
                   rng: random.Random) -> bool:
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: accept cookies from an IP address
        connector = aiohttp.TCPConnector(limit=1)
        cached: set[str] = set()

        async def load_assets(html: str) -> None:
            """A phone with an empty cache fetches what a page names, once."""
            for path in local_assets(html):
                if assets and path not in cached:
                    cached.add(path)
                    await self._request(http, "assets", "GET", path)

        async with aiohttp.ClientSession(cookie_jar=jar, connector=connector) as http:
            html, _ = await self._request(http, "landing", "GET", "/v")
            await load_assets(html)
            token = _token(html, "landing")
            ballot, _ = await self._request(http, "claim", "POST", "/v",
                                            {"csrf_token": token, "code": code})
            await load_assets(ballot)
            if self.first:
                self.run.ballot_html = ballot
            missing = [s for s in choices if f'name="s{s}"' not in ballot]
            if missing:
                raise VoteError("claim", "subject missing from the ballot page")
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)  # reading, marking
            form = {"csrf_token": _token(ballot, "claim"), "code": code}
            form |= {f"s{s}": c for s, c in choices.items()}
            review, _ = await self._request(http, "review", "POST", "/v/review", form)
            await load_assets(review)
            if think:
                await asyncio.sleep(rng.uniform(0.1, 0.3) * think)  # checking the review
            form["csrf_token"] = _token(review, "review")
            _, location = await self._request(http, "cast", "POST", "/v/cast", form, expect=303)
            if urlsplit(location).path != "/v/thanks":
                raise VoteError("cast", "redirected elsewhere")
            self.run.confirmed.append(choices)
            thanks, _ = await self._request(http, "thanks", "GET", "/v/thanks")
            await load_assets(thanks)
            return True


def _token(html: str, step: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise VoteError(step, "no CSRF token on the page")
    return match.group(1)


def local_assets(html: str) -> list[str]:
    """The paths of the style sheets, scripts and images a page loads from its own host."""
    return [url for url in _ASSET.findall(html) if url.startswith("/") and not url.startswith("//")]


def foreign_references(html_or_css: str) -> list[str]:
    """Every asset or ``url()`` reference to another host (none is allowed)."""
    refs = _ASSET.findall(html_or_css) + _CSS_URL.findall(html_or_css)
    return [r for r in refs if r.startswith(("//", "http:", "https:"))]


async def play_voters(base: str, subject_ids: Sequence[int], codes: Sequence[str], *,
                      think: float = 0.0, arrival: float = 0.0, assets: bool = True,
                      blank: float = 0.02, timeout: float = 60.0, deadline: float = 300.0,
                      seed: int = 480) -> VoteRun:
    """Every card in ``codes`` votes once, concurrently; returns what the voters saw.

    :param think: mean seconds a voter spends on the ballot before the review step (0: none).
    :param arrival: voters start at random times spread over this many seconds (0: all at once).
    :param blank: the share of ballot lines left blank.
    :param timeout: longest wait for one response.
    :param deadline: the whole phase is abandoned after this many seconds.
    """
    run = VoteRun(voters=len(codes))
    rng = random.Random(seed)
    plans = [(code, _choices(rng, subject_ids, blank), rng.uniform(0, arrival), random.Random(i))
             for i, code in enumerate(codes)]

    async def one(i: int, code: str, choices: dict[int, str], delay: float,
                  own: random.Random) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            await _Voter(base, run, i == 0, timeout).vote(code, choices, assets=assets,
                                                           think=think, rng=own)
        except VoteError as exc:
            run.errors[(exc.step, exc.reason)] += 1

    cpu, started = time.process_time(), time.perf_counter()
    tasks = [asyncio.create_task(one(i, *plan)) for i, plan in enumerate(plans)]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
        run.errors[("deadline", f"{len(pending)} voters unfinished")] += len(pending)
    run.wall = time.perf_counter() - started
    run.client_cpu = time.process_time() - cpu
    for task in done:
        if task.exception():
            run.errors[("client", repr(task.exception()))] += 1
    return run


@dataclass
class HealthRun:
    requests: int
    errors: int
    wall: float
    client_cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.wall if self.wall else 0.0


async def hammer_healthz(base: str, *, connections: int, seconds: float,
                         timeout: float = 10.0) -> HealthRun:
    """``GET /healthz`` from ``connections`` keep-alive connections for ``seconds``."""
    ok = errors = 0
    stop = time.perf_counter() + seconds
    client_timeout = aiohttp.ClientTimeout(total=timeout)

    async def loop(http: aiohttp.ClientSession) -> None:
        nonlocal ok, errors
        while time.perf_counter() < stop:
            try:
                async with http.get(base + "/healthz", timeout=client_timeout) as response:
                    await response.read()
                    if response.status == 200:
                        ok += 1
                    else:
                        errors += 1
            except (TimeoutError, aiohttp.ClientError):
                errors += 1

    connector = aiohttp.TCPConnector(limit=connections)
    cpu, started = time.process_time(), time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as http:
        await asyncio.gather(*(loop(http) for _ in range(connections)))
    return HealthRun(ok, errors, time.perf_counter() - started, time.process_time() - cpu)


_FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")


async def fetch_page_assets(base: str, html: str) -> tuple[dict[str, int], list[str], list[str]]:
    """Bytes of every asset ``html`` loads (and that its style sheets load), by path; the
    fonts its style sheets declare with ``@font-face``, which a browser fetches only for text
    set in them (so they are listed, not counted); and every reference to another host."""
    sizes: dict[str, int] = {}
    fonts: list[str] = []
    foreign = foreign_references(html)
    queue = local_assets(html)
    async with aiohttp.ClientSession() as http:
        while queue:
            path = queue.pop(0)
            if path in sizes:
                continue
            async with http.get(urljoin(base + "/", path)) as response:
                body = await response.read()
                sizes[path] = _size(response, body)
            if path.endswith(".css"):
                css = body.decode("utf-8", "replace")
                foreign += foreign_references(css)
                for face in _FONT_FACE.findall(css):
                    fonts += [urljoin(path, u) for u in _CSS_URL.findall(face)]
                queue += [urljoin(path, u)
                          for u in _CSS_URL.findall(_FONT_FACE.sub("", css))
                          if not u.startswith(("data:", "//", "http:", "https:"))]
    return sizes, fonts, foreign
