"""Start ``survey serve`` the way production does, in a subprocess, and watch its processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """``survey serve --workers N --threads T`` on 127.0.0.1, with its own instance folder."""

    database_url: str
    instance: Path
    workers: int = 1
    threads: int = 16
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.instance / f"server-{self.port}.log"

    def start(self, timeout: float = 60) -> Server:
        self.instance.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "SURVEY_DATABASE_URL": self.database_url,
            "SURVEY_SECRET_KEY": "bench",
            "SURVEY_BASE_URL": self.url,
            "SURVEY_INSTANCE_PATH": str(self.instance),
        }
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "survey", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(self.workers),
                 "--threads", str(self.threads)],
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
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                if r.status != 200:
                    return False
        except OSError:
            return False
        return self.log().count("Booting worker") >= self.workers

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def processes(self) -> list[psutil.Process]:
        """The master and its workers."""
        assert self.process is not None
        try:
            master = psutil.Process(self.process.pid)
            return [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Usage:
    """What the server's processes used during a phase."""

    #: CPU seconds (user + system) of master and workers.
    cpu_seconds: float = 0.0
    #: Largest sum of resident set sizes seen, in bytes (shared pages counted in each process).
    peak_rss: int = 0
    #: Largest sum of proportional set sizes seen (shared pages split between processes).
    peak_pss: int = 0


class Watcher:
    """Samples the server's memory every ``interval`` seconds, and its CPU time at both ends."""

    def __init__(self, server: Server, interval: float = 0.1) -> None:
        self.server = server
        self.interval = interval
        self.usage = Usage()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu: dict[int, float] = {}

    def _cpu_now(self) -> dict[int, float]:
        times = {}
        for p in self.server.processes():
            try:
                t = p.cpu_times()
                times[p.pid] = t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return times

    def _sample(self) -> None:
        rss = pss = 0
        for p in self.server.processes():
            try:
                info = p.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        self.usage.peak_rss = max(self.usage.peak_rss, rss)
        self.usage.peak_pss = max(self.usage.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> Watcher:
        self._cpu = self._cpu_now()
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        end = self._cpu_now()
        # a worker that was replaced mid-phase would drop out: count only the ones seen twice
        self.usage.cpu_seconds = sum(end[pid] - self._cpu[pid] for pid in end if pid in self._cpu)
