"""Languages: Vietnamese by default, English by switch or browser; catalogs compiled on start."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pypdf
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import survey.i18n
from survey.extensions import babel
from survey.i18n import TRANSLATIONS, compile_catalogs
from tests.conftest import make_test_app
from tests.factories import once_token

ROOT = Path(__file__).resolve().parent.parent
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
#: The keywords of the project's extraction: Babel's own plus the lazy ones.
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message in the code and templates, as ``pybabel extract -F babel.cfg`` finds it."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    messages: dict[str, tuple[str, ...]] = {}
    for _filename, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        forms = (message,) if isinstance(message, str) else tuple(message)
        if forms[0]:
            messages.setdefault(forms[0], forms)
    return messages


@pytest.fixture(scope="module")
def english():
    with EN_PO.open("rb") as f:
        return read_po(f, locale="en")


def test_every_message_in_code_and_templates_has_an_english_translation(english):
    """A new ``_()`` string fails here until it is translated in the English catalog."""
    found = extracted()
    assert len(found) > 300  # the extraction really ran over the code and the templates
    untranslated = []
    for msgid, forms in sorted(found.items()):
        key = forms if len(forms) > 1 else msgid
        message = english.get(key)
        if message is None or message.fuzzy:
            untranslated.append(msgid)
        elif isinstance(message.string, str) and not message.string.strip():
            untranslated.append(msgid)
        elif not isinstance(message.string, str) and not all(s.strip() for s in message.string):
            untranslated.append(msgid)
    assert not untranslated, (
        f"{len(untranslated)} message(s) have no English translation in {EN_PO}:\n"
        + "\n".join(f"  {m!r}" for m in untranslated)
    )


def test_each_message_is_translated_once():
    """Two entries for one msgid: gettext keeps one of them silently, msgfmt refuses the file."""
    msgids = []
    entry: list[str] | None = None
    for line in EN_PO.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            entry = [line[6:]]
        elif entry is not None and line.startswith('"'):
            entry.append(line)
        elif entry is not None:
            msgids.append("".join(entry))
            entry = None
    duplicates = {m for m in msgids if msgids.count(m) > 1} - {'""'}
    assert not duplicates


def test_translations_keep_every_placeholder(english):
    problems = [(message.id, [str(e) for e in errors]) for message, errors in english.check()]
    assert problems == []


def test_no_translation_is_left_in_vietnamese(english):
    vietnamese = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    leftovers = [
        m.id for m in english
        if m.id and isinstance(m.string, str) and vietnamese & set(m.string.lower())
        and "“Họ và tên”" not in m.string and "Lường" not in m.string
        and "96-QĐ/TW" not in m.string
    ]
    assert leftovers == []


# -- choosing the language -------------------------------------------------------------------


def test_vietnamese_by_default(client):
    response = client.get("/login")
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text and "Sign in" not in response.text
    assert 'hreflang="en">English</a>' in response.text  # the switch, in the header


def test_browser_language_english(client):
    response = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text and "Tên đăng nhập" not in response.text
    assert 'hreflang="vi">Tiếng Việt</a>' in response.text


@pytest.mark.parametrize("header", ["vi-VN,vi;q=0.9,en;q=0.5", "fr-FR,fr;q=0.9", "*", ""])
def test_other_browser_languages_get_vietnamese(client, header):
    response = client.get("/v", headers={"Accept-Language": header})
    assert '<html lang="vi">' in response.text and "Mở lá phiếu" in response.text


def test_switch_sets_a_cookie_that_beats_the_browser(client):
    response = client.get("/lang/en?next=/v")
    assert response.status_code == 303 and response.headers["Location"] == "/v"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/v", headers={"Accept-Language": "vi"})
    assert "Open the ballot" in page.text
    back = client.get("/lang/vi?next=/v")
    assert back.headers["Location"] == "/v"
    assert "Mở lá phiếu" in client.get("/v", headers={"Accept-Language": "en"}).text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil", ""])
def test_switch_never_leaves_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/lang/fr?next=/v").status_code == 404


def test_header_link_comes_back_to_the_same_page(client):
    html = client.get("/login?next=/rounds/1").text
    assert 'href="/lang/en?next=/login?next%3D/rounds/1"' in html


def test_ballot_switch_keeps_the_choices(client, make_round):
    """On the ballot the switch is a button of the form: the page is posted again, not lost."""
    round_ = make_round(cards=1, open_=True)
    first = round_.subjects[0]
    page = client.post("/v", data={"code": round_.codes[0]})
    assert 'name="lang" value="en"' in page.text
    again = client.post("/v/ballot", data={"code": round_.codes[0], f"s{first.id}": "low",
                                           "lang": "en"})
    assert again.status_code == 200
    assert "Review ballot" in again.text and "Low confidence" in again.text
    assert f'name="s{first.id}" value="low" checked' in again.text
    assert again.text.count('<legend lang="vi">') == len(round_.subjects)  # the names stay vi
    assert '<legend lang="vi">' not in page.text
    assert "lang=en;" in again.headers["Set-Cookie"]
    review = client.post("/v/review", data={"code": round_.codes[0], f"s{first.id}": "low"})
    assert "Send ballot" in review.text  # the cookie now speaks English


def test_english_error_page_and_flash(client, make_user):
    make_user()
    response = client.post("/login", data={"username": "organizer", "password": "nope"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    missing = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and "This page was not found." in missing.text


def test_plural_forms_in_english(client, make_round):
    round_ = make_round(cards=1, open_=True)
    data = {"code": round_.codes[0], f"s{round_.subjects[0].id}": "high"}
    client.set_cookie("lang", "en")
    review = client.post("/v/review", data=data)
    assert "You have not chosen a level for 11 people." in review.text
    data = {"code": round_.codes[0]} | {f"s{s.id}": "high" for s in round_.subjects[1:]}
    assert "for 1 person." in client.post("/v/review", data=data).text


# -- documents and the CLI stay Vietnamese -----------------------------------------------------


def test_documents_stay_vietnamese_for_an_english_organizer(logged_in, make_round):
    round_ = make_round(cards=2, open_=True)
    logged_in.set_cookie("lang", "en")
    assert "Voting cards" in logged_in.get(f"/rounds/{round_.id}").text  # the screen: English
    made = logged_in.post(f"/rounds/{round_.id}/cards", follow_redirects=True,
                          data={"count": "1", "once": once_token(logged_in, round_.id)})
    assert "1 card created" in made.text
    pdf = logged_in.post(f"/rounds/{round_.id}/cards/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Mỗi thẻ chỉ bỏ phiếu được một lần" in " ".join(text.split())
    assert "Each card votes only once" not in text


def test_csv_export_stays_vietnamese(logged_in, session, make_round):
    from survey.desk.operations import close_round
    from tests.conftest import NOW

    round_ = make_round(cards=1, open_=True)
    close_round(session, round_, NOW)
    session.commit()
    logged_in.set_cookie("lang", "en")
    csv = logged_in.get(f"/rounds/{round_.id}/results.csv")
    assert csv.status_code == 200
    assert "Họ và tên" in csv.text and "Full name" not in csv.text


def test_cli_speaks_vietnamese(runner, monkeypatch):
    from survey.desk.cli import round_cli

    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the terminal's language does not matter
    result = runner.invoke(round_cli, ["close", "999"])
    assert result.exit_code != 0
    assert "Không có đợt lấy phiếu số 999." in result.output


# -- the catalogs are built when the app starts ------------------------------------------------


@pytest.fixture
def source(tmp_path):
    """A copy of the shipped catalogs, without any compiled file."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo", ".messages-*"))
    return copy


def test_missing_catalog_is_compiled(source, tmp_path):
    mo = source / "en" / "LC_MESSAGES" / "messages.mo"
    assert not mo.exists()
    assert compile_catalogs(source, tmp_path / "spare") == [source]
    assert mo.stat().st_size > 10_000
    from babel.support import Translations

    translations = Translations.load(str(source), ["en"])
    assert translations.gettext("Gửi phiếu") == "Send ballot"


def test_stale_catalog_is_rebuilt_and_a_fresh_one_left_alone(source, tmp_path):
    po = source / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    compile_catalogs(source, tmp_path / "spare")
    os.utime(mo, (1_000_000, 1_000_000))
    os.utime(po, (2_000_000, 2_000_000))  # the .po was edited after the .mo was built
    compile_catalogs(source, tmp_path / "spare")
    built = mo.stat().st_mtime
    assert built > 2_000_000
    compile_catalogs(source, tmp_path / "spare")
    assert mo.stat().st_mtime == built  # nothing to do


def test_read_only_package_compiles_into_the_instance_folder(
    source, tmp_path, monkeypatch, database_url
):
    write_mo = survey.i18n._write_mo

    def read_only(po: Path, mo: Path) -> None:
        if mo.is_relative_to(source):
            raise PermissionError(13, "Read-only file system", str(mo))
        write_mo(po, mo)

    monkeypatch.setattr(survey.i18n, "_write_mo", read_only)
    monkeypatch.setattr(survey.i18n, "TRANSLATIONS", source)
    monkeypatch.setattr(babel.domain_instance, "cache", {})  # no catalog from another app
    instance = tmp_path / "instance"
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(instance))
    app = make_test_app(database_url, BABEL_TRANSLATION_DIRECTORIES=str(source))
    try:
        assert not (source / "en" / "LC_MESSAGES" / "messages.mo").exists()
        spare = instance / "translations"
        assert (spare / "en" / "LC_MESSAGES" / "messages.mo").exists()
        assert app.extensions["babel"].translation_directories == [str(source), str(spare)]
        page = app.test_client().get("/v", headers={"Accept-Language": "en"})
        assert "Open the ballot" in page.text
    finally:
        app.extensions["survey.engine"].dispose()
