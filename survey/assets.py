"""The app's own assets (style sheets, scripts, fonts), answered before Flask is involved.

Every phone that scans a card fetches the style sheet and a script or two with an empty cache,
so these are a good part of the requests a round receives. Going through Flask (routing,
request hooks, the session, a file stat and open per request) makes each cost about twice the
lightest page; here each file is read once per worker, kept in memory, and answered with a
validator (ETag) so that a phone that has it already gets ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.security import safe_join

#: Headers every asset carries (the pages' own security headers are set in ``survey.web``).
BASE_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    # May be kept, but must be revalidated: an upgrade changes the files under the same names.
    ("Cache-Control", "no-cache"),
]

#: Larger files (the PDF fonts) are left to Flask, which streams them from disk.
MAX_CACHED = 256 * 1024


@dataclass(frozen=True)
class _Asset:
    body: bytes
    etag: str
    mimetype: str
    mtime_ns: int


class StaticAssets:
    """WSGI middleware: answer ``GET``/``HEAD`` under ``prefix`` from ``folder``, from memory."""

    def __init__(self, app: Callable[..., Iterable[bytes]], folder: str | Path,
                 prefix: str = "/static/") -> None:
        self.app = app
        self.folder = str(folder)
        self.prefix = prefix
        self._cache: dict[str, _Asset | None] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix) or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        asset = self._asset(path[len(self.prefix):])
        if asset is None:  # missing, too large, or not a plain file: Flask decides
            return self.app(environ, start_response)
        headers = [*BASE_HEADERS, ("ETag", asset.etag)]
        if asset.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", headers)
            return [b""]
        headers += [("Content-Type", asset.mimetype), ("Content-Length", str(len(asset.body)))]
        start_response("200 OK", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else asset.body]

    def _asset(self, name: str) -> _Asset | None:
        cached = self._cache.get(name)
        file = safe_join(self.folder, name)
        if file is None:
            return None
        try:
            stat = Path(file).stat()
        except (OSError, ValueError):  # ValueError: a NUL in the name (``%00`` in the URL)
            return None
        if cached is not None and cached.mtime_ns == stat.st_mtime_ns:
            return cached
        if not Path(file).is_file() or stat.st_size > MAX_CACHED:
            return None
        body = Path(file).read_bytes()
        mimetype = mimetypes.guess_type(file)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in ("application/javascript",):
            mimetype += "; charset=utf-8"
        asset = _Asset(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', mimetype,
                       stat.st_mtime_ns)
        with self._lock:
            self._cache[name] = asset
        return asset
