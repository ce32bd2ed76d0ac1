"""Browser tests: Playwright drives Debian's Chromium against the app served on 127.0.0.1.

The app runs in a threaded werkzeug server inside the test process (one per test, on a free
port, with its own database), so a test can arrange rows with the usual fixtures and then look
at what a person sees. Chromium is launched once per xdist worker.

Chromium must be at ``/usr/bin/chromium`` (``apt-get install chromium``); no browser is ever
downloaded. Without it these tests are skipped with a message, except under ``CI=true``, where
they fail.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from survey.ballots.cards import card_url
from survey.ballots.models import Ballot, Card, Mark
from survey.ballots.printing import PrintedCard, cards_pdf
from survey.schema import create_all
from tests.conftest import PASSWORD, make_test_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_REPORTS = ROOT / "test-artifacts" / "axe"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

#: The voter's phone: a mid-range Android held upright.
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
#: The organizer's laptop, and the projector it drives.
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "vi-VN"}


def _unavailable(reason: str) -> None:
    message = f"the browser tests need {reason} (apt-get install -y chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests, but {message}", pytrace=False)
    pytest.skip(f"browser test not run: {message}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _unavailable("the Python package playwright (pip install -e '.[test]') and Chromium")
    if not CHROMIUM.exists():
        _unavailable(f"Debian's Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app(database_url, tmp_path):
    """The real app, CSRF protection on, as a browser meets it."""
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True, TESTING=False)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        create_all()
    yield app
    app.extensions["survey.engine"].dispose()


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the access log would drown a failure
        pass


@pytest.fixture
def server(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1; the cards' QR codes point here."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{httpd.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield url
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


class Recorder:
    """Every request a page makes: the tests check that none leaves this server."""

    def __init__(self, page, base: str) -> None:
        self.base = base
        self.requests: list = []
        page.on("request", lambda request: self.requests.append(request))

    def foreign(self) -> list[str]:
        return [r.url for r in self.requests
                if not r.url.startswith((self.base, "data:", "about:"))]

    def transferred(self, since: int = 0) -> dict[str, int]:
        """Bytes received (headers and body) for each request made after ``since``."""
        sizes = {}
        for request in self.requests[since:]:
            size = request.sizes()
            sizes[request.url] = size["responseBodySize"] + size["responseHeadersSize"]
        return sizes


@pytest.fixture
def new_page(browser, server):
    """``new_page(**context_options)``: a fresh browser profile, closed after the test."""
    contexts = []

    def _new_page(kind: dict | None = None, **options):
        context = browser.new_context(**((kind or PHONE) | options))
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.recorder = Recorder(page, server)
        return page

    yield _new_page
    for context in contexts:
        for page in context.pages:
            assert page.recorder.foreign() == [], "a page asked another host"
        context.close()


@pytest.fixture
def phone(new_page):
    return new_page(PHONE)


@pytest.fixture
def laptop(new_page):
    return new_page(LAPTOP)


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Save what the page shows as ``test-artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def axe_check(page, name: str) -> list[dict]:
    """Run axe-core on the page; fail on any serious or critical violation.

    axe is evaluated through the DevTools protocol, which the page's CSP (no inline script)
    does not govern; the app's pages themselves are tested with their real CSP. axe needs the
    page's JavaScript on (its promise never settles otherwise).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary)})))"
    )
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe on {name} ({page.url}):\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in serious
    )
    return result


def to_review(page, base: str, path: str = "/v/review") -> None:
    """Press "Xem lại phiếu" and wait until the review page has loaded with its script.

    Pressing "Gửi phiếu" before ``vote.js`` has run would post the form natively, which is
    correct behaviour but not the sending-with-fetch path a test of lost answers means to drive.
    """
    page.get_by_role("button", name="Xem lại phiếu").click()
    page.wait_for_url(f"{base}{path}", wait_until="load")


def no_horizontal_scroll(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scroll on {page.url}: {widths}"


def focused(page) -> str:
    """What has the keyboard focus: ``name:value`` of a control (else its id or tag)."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? (e.name || e.id || e.tagName) + ':' + (e.value || '') : ''; }"
    )


def decode_qr(png: bytes) -> list[str]:
    """The text of every QR code in an image, read by a real decoder (zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_qr_urls(pdf: bytes, dpi: int = 150) -> list[str]:
    """The QR codes of a printed card sheet, page by page, as a phone camera would read them."""
    import pypdfium2 as pdfium
    import zxingcpp

    found: list[str] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            # reading order: top to bottom, left to right, as the cards are laid out
            codes = sorted(codes, key=lambda c: (round(c.position.top_left.y / 50),
                                                 c.position.top_left.x))
            found += [c.text for c in codes]
            page.close()
    finally:
        document.close()
    return found


def sign_in(page, base: str, username: str = "organizer") -> None:
    page.goto(f"{base}/login")
    page.get_by_label(re.compile("Tên đăng nhập")).fill(username)
    page.get_by_label(re.compile("Mật khẩu")).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def printed_card_urls(round_, base: str) -> list[str]:
    """Print the round's cards as the organizer does, then read their QR codes back."""
    cards = [PrintedCard(serial, code, card_url(base, code))
             for serial, code in enumerate(round_.codes, start=1)]
    pdf = cards_pdf(title=round_.title, body=round_.body, vote_address=f"{base}/v", cards=cards)
    return pdf_qr_urls(pdf)


def stored(session, round_id):
    session.rollback()  # a fresh snapshot
    ballots = session.scalar(select(func.count()).select_from(Ballot)
                             .where(Ballot.round_id == round_id))
    marks = session.execute(select(Mark.subject_id, Mark.choice)).all()
    used = session.scalars(select(Card.serial).where(Card.used.is_(True))).all()
    return ballots, sorted(marks), used


def choose(page, subject, label: str) -> None:
    """Tap a level in the radio group named after the subject (as a screen reader finds it)."""
    group = page.get_by_role("group", name=re.compile(re.escape(subject.name)))
    group.get_by_role("radio", name=label, exact=True).check()
