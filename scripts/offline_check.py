"""Install the offline bundle and serve a page, on a machine cut off from every network.

    unshare -n python scripts/offline_check.py BUNDLE_FOLDER VENV

Run inside a network namespace of its own (``unshare -n``, as root), where nothing but the
loopback interface exists: first it makes sure no outside address can be reached, then it runs
the bundle's ``install.sh`` into ``VENV`` (a fresh virtual environment), starts that
environment's ``survey serve`` on 127.0.0.1 with an SQLite database in a temporary instance
folder, and checks that ``/healthz``, ``/login`` and ``/v`` answer 200. ``scripts/test.sh``
runs it; the tests in ``tests/test_packaging.py`` then use ``VENV``. Standard library only.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def loopback_up() -> None:
    """A new network namespace starts with ``lo`` down; bring it up (no ``ip`` needed)."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, siocgifflags, request))[1]
        if not flags & iff_up:
            fcntl.ioctl(s, siocsifflags, struct.pack("16sH14x", b"lo", flags | iff_up))


def assert_offline() -> None:
    """Nothing outside this machine can be reached, so the install below proves what it says.

    Checked without sending a packet: the namespace has no network interface but loopback.
    """
    interfaces = sorted(name for _index, name in socket.if_nameindex())
    if interfaces != ["lo"]:
        raise SystemExit(f"FAILED: network interfaces {interfaces}; run this under 'unshare -n'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main(bundle: Path, venv: Path) -> int:
    loopback_up()
    assert_offline()
    shutil.rmtree(venv, ignore_errors=True)
    started = time.monotonic()
    subprocess.run(["sh", str(bundle / "install.sh"), str(venv)], check=True)
    print(f"installed in {time.monotonic() - started:.0f} s without a network")

    port = free_port()
    instance = Path(tempfile.mkdtemp(prefix="survey-offline-"))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SURVEY_") and key != "PYTHONPATH"}
    env["SURVEY_INSTANCE_PATH"] = str(instance)
    log = instance / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(venv / "bin" / "survey"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=instance, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"{base}/healthz") == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"FAILED: the installed server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        statuses = {path: get(base + path) for path in ("/healthz", "/login", "/v")}
        print("installed server:", ", ".join(f"{p} {s}" for p, s in statuses.items()))
        if set(statuses.values()) != {200}:
            raise SystemExit(f"FAILED: a page did not answer 200:\n{log.read_text()[-3000:]}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))
