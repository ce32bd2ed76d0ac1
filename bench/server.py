"""Start ``survey serve`` the way production does, in a subprocess, and watch its processes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import psutil

from tests.liveserver import LiveServer


class Server(LiveServer):
    """The production server as the tests start it, plus a view of its processes."""

    def processes(self) -> list[psutil.Process]:
        """The master and its workers."""
        assert self.process is not None
        try:
            master = psutil.Process(self.process.pid)
            return [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []


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
