"""Start the real production server (``survey serve``) in a subprocess, and talk to it."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """``survey serve --workers N --threads T`` on 127.0.0.1, with its own instance folder."""

    database_url: str
    instance: Path
    workers: int = 1
    #: ``None``: what ``survey serve`` chooses.
    threads: int | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    secret_key: str = "live-test"
    #: The ``survey`` command: this checkout's, or an installed one (``VENV/bin/survey``).
    command: tuple[str, ...] = (sys.executable, "-m", "survey")
    #: ``(certfile, keyfile)``: serve HTTPS with them (``--certfile``, ``--keyfile``).
    tls: tuple[Path, Path] | None = None
    #: The CA that signed the certificate of ``tls``, which the test's own clients trust.
    ca: Path | None = None
    #: Set ``SURVEY_BASE_URL`` to :attr:`url`; ``False``: ``survey serve`` finds the address.
    fixed_base_url: bool = True

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def ssl_context(self) -> ssl.SSLContext | None:
        """What a client that trusts :attr:`ca` (and nothing else) checks the server with."""
        return ssl.create_default_context(cafile=str(self.ca)) if self.tls else None

    @property
    def log_path(self) -> Path:
        return self.instance / f"server-{self.port}.log"

    def start(self, timeout: float = 60) -> LiveServer:
        self.instance.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "SURVEY_DATABASE_URL": self.database_url,
            "SURVEY_SECRET_KEY": self.secret_key,
            "SURVEY_BASE_URL": self.url,
            "SURVEY_INSTANCE_PATH": str(self.instance),
        }
        if not self.fixed_base_url:
            del env["SURVEY_BASE_URL"]
        tls = ["--certfile", str(self.tls[0]), "--keyfile", str(self.tls[1])] if self.tls else []
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*self.command, "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(self.workers),
                 *(["--threads", str(self.threads)] if self.threads else []), *tls],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log()[-3000:]}")
            if self._ready():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start:\n{self.log()[-3000:]}")

    def _ready(self) -> bool:
        """The master answers and every worker has booted (each logs "Booting worker")."""
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=1,
                                        context=self.ssl_context()) as r:
                if r.status != 200:
                    return False
        except OSError:
            return False
        return self.log().count("Booting worker") >= self.workers

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole server (master and workers), as a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Phone:
    """A voter's browser: keeps cookies, follows the page's CSRF token."""

    def __init__(self, base: str, context: ssl.SSLContext | None = None) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=context),
        )
        #: The headers of the last answer (of the last redirect's target, if it was one).
        self.headers: Message | None = None

    def request(self, path: str, data: dict | None = None, timeout: float = 60):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=timeout) as response:
                self.headers = response.headers
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            self.headers = error.headers
            return error.code, error.geturl(), error.read().decode()

    def token(self) -> str:
        _, _, html = self.request("/v")
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert match, html
        return match.group(1)

    def cast(self, code: str, choices: dict[int, str]) -> tuple[int, str, str]:
        """Claim and cast in two requests, as the review page's "Gửi phiếu" does."""
        token = self.token()
        data = {"csrf_token": token, "code": code} | {f"s{k}": v for k, v in choices.items()}
        return self.request("/v/cast", data)
