"""The built wheel and the offline bundle: what ships, that it installs without a network, and
that the installed server serves a login and a vote, on each engine.

``scripts/test.sh`` builds the bundle once (``scripts/bundle.py``), installs it into a fresh
virtual environment inside a network namespace of its own (``scripts/offline_check.py``) and
passes both folders in ``SURVEY_TEST_BUNDLE`` and ``SURVEY_TEST_INSTALLED``. The tests that need
them are skipped without them, except under CI, where that is a failure. The tests of the
bundle builder's own logic need neither.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Card
from tests.conftest import PG_URL, make_test_app
from tests.liveserver import LiveServer, Phone

ROOT = Path(__file__).resolve().parent.parent


def _load_bundle_module():
    spec = importlib.util.spec_from_file_location("survey_bundle", ROOT / "scripts" / "bundle.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bundle = _load_bundle_module()


def _given(variable: str) -> Path:
    value = os.environ.get(variable)
    if value and Path(value).is_dir():
        return Path(value)
    message = f"{variable} is not set: scripts/test.sh sets it after building the bundle"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def bundle_folder() -> Path:
    return _given("SURVEY_TEST_BUNDLE")


@pytest.fixture(scope="module")
def venv() -> Path:
    return _given("SURVEY_TEST_INSTALLED")


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would make Python import this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")
           and k not in {"PYTHONPATH", "PYTHONHOME"}}
    return env | extra


def run_installed(venv: Path, code: str, tmp_path: Path, **env: str) -> str:
    """Run ``code`` with the installed environment's Python, away from this checkout."""
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path,
                            env=_clean_env(**env), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def package(venv, tmp_path_factory) -> Path:
    """The ``survey`` folder in the installed environment's site-packages."""
    where = run_installed(venv, "import survey; print(survey.__file__)",
                          tmp_path_factory.mktemp("where"))
    folder = Path(where.strip()).parent
    assert folder.is_relative_to(venv) and "site-packages" in folder.parts  # not this checkout
    return folder


def files(folder: Path, pattern: str = "*") -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob(pattern)
            if p.is_file() and "__pycache__" not in p.parts}


# -- the installed wheel --------------------------------------------------------------------------

engine_independent = pytest.mark.skipif(
    bool(PG_URL), reason="no database involved: checked once, in the SQLite pass"
)


@engine_independent
def test_installed_package_carries_templates_translations_fonts_static_and_migrations(package):
    assert files(package / "templates") == files(ROOT / "templates")
    assert files(package / "static") == files(ROOT / "survey" / "static")
    assert {"fonts/DejaVuSans.ttf", "fonts/DejaVuSerif-Bold.ttf"} <= files(package / "static")
    # the documents' face, its licence beside it
    assert {f"fonts/LiberationSerif-{style}.ttf" for style in
            ("Regular", "Bold", "Italic", "BoldItalic")} <= files(package / "static")
    assert "fonts/LICENSE-Liberation.txt" in files(package / "static")
    assert files(package / "migrations", "*.py") == files(ROOT / "survey" / "migrations", "*.py")
    assert (package / "migrations" / "script.py.mako").is_file()
    assert files(package / "translations", "*.po") == {"en/LC_MESSAGES/messages.po"}
    assert (package / "data" / "demo-subjects.csv").is_file()
    for name in files(package / "templates"):  # the same bytes as the repository's
        shipped = (package / "templates" / name).read_bytes()
        assert shipped == (ROOT / "templates" / name).read_bytes(), name


@engine_independent
def test_read_only_package_compiles_its_catalog_into_the_instance_folder(venv, package, tmp_path):
    """Installed where it cannot write (a system site-packages), the English pages still work:
    the catalog is compiled into the instance folder."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a read-only mount")
    po_only = tmp_path / "translations"  # the catalog as the wheel ships it: no .mo
    shutil.copytree(package / "translations", po_only, ignore=shutil.ignore_patterns("*.mo"))
    instance = tmp_path / "instance"
    site = package.parent
    script = f"""
import errno
from pathlib import Path
try:
    Path({str(package)!r}, "probe").write_text("x")
except OSError as exc:
    assert exc.errno == errno.EROFS, exc
else:
    raise SystemExit("site-packages is writable")
from survey import create_app
app = create_app()
page = app.test_client().get("/login", headers={{"Accept-Language": "en"}})
print(page.status_code, "Sign in" in page.text, "Đăng nhập" in page.text)
"""
    # A mount namespace of the test's own: site-packages read-only, and a catalog without .mo
    shell = (f"mount --bind {site} {site} && mount -o remount,bind,ro {site} && "
             f"mount --bind {po_only} {package / 'translations'} && "
             f"mount -o remount,bind,ro {package / 'translations'} && "
             f'exec {venv / "bin" / "python"} -c "$0"')
    result = subprocess.run(["unshare", "-m", "sh", "-c", shell, script], cwd=tmp_path,
                            env=_clean_env(SURVEY_INSTANCE_PATH=str(instance)),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "True", "False"]
    assert (instance / "translations" / "en" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not list(po_only.rglob("*.mo"))  # nothing was written beside the .po


@pytest.mark.slow
def test_installed_server_serves_a_login_and_a_vote(venv, package, database_url, tmp_path):
    """The installed ``survey demo`` and ``survey serve``: an organizer signs in, a card of the
    demo is claimed and cast, on this pass's engine."""
    survey = str(venv / "bin" / "survey")
    instance = tmp_path / "instance"
    server = LiveServer(database_url, instance, command=(survey,))
    demo = subprocess.run(
        [survey, "demo", "--cards", "3", "--base-url", server.url,
         "--pdf", str(tmp_path / "cards.pdf")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=_clean_env(SURVEY_DATABASE_URL=database_url, SURVEY_INSTANCE_PATH=str(instance)),
    )
    assert demo.returncode == 0, demo.stderr
    [password] = re.findall(r"admin / (\S+) ", demo.stdout)
    card_url = demo.stdout.strip().splitlines()[-1]
    assert card_url.startswith(f"{server.url}/v#")
    code = card_url.split("#", 1)[1]
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")

    with server:
        organizer = Phone(server.url)
        status, _, html = organizer.request("/login")
        assert status == 200 and "Đăng nhập" in html
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        status, url, html = organizer.request(
            "/login", {"csrf_token": token, "username": "admin", "password": password})
        assert status == 200 and not url.endswith("/login"), html[-2000:]
        assert "Lấy phiếu tín nhiệm (thử nghiệm)" in html
        for asset in ("/static/css/app.css", "/static/js/vote.js", "/static/fonts/DejaVuSans.ttf"):
            with urllib.request.urlopen(server.url + asset, timeout=30) as response:
                assert response.read() == (package / asset[1:]).read_bytes(), asset

        voter = Phone(server.url)
        status, _, html = voter.request("/v", {"csrf_token": voter.token(), "code": code})
        assert status == 200, html[-2000:]
        subjects = sorted({int(s) for s in re.findall(r'name="s(\d+)"', html)})
        assert len(subjects) == 12  # the demo's officials, on the ballot
        choices = {f"s{sid}": "confidence" for sid in subjects}
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        status, url, html = voter.request("/v/cast", {"csrf_token": token, "code": code} | choices)
        assert status == 200 and url.endswith("/v/thanks"), html[-2000:]
        assert "Phiếu của bạn đã được ghi nhận." in html
        again = Phone(server.url)
        assert again.request("/v/cast", {"csrf_token": again.token(), "code": code}
                             | choices)[0] == 404  # spent: answered as unknown

    app = make_test_app(database_url)
    try:
        with app.extensions["survey.sessionmaker"]() as session:
            assert session.scalar(select(func.count()).select_from(Ballot)) == 1
            assert session.scalar(select(func.count()).where(Card.used.is_(True))) == 1
    finally:
        app.extensions["survey.engine"].dispose()


# -- the offline bundle ---------------------------------------------------------------------------


@engine_independent
def test_bundle_checksums_cover_every_file(bundle_folder):
    listed = {}
    for line in (bundle_folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == files(bundle_folder) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((bundle_folder / name).read_bytes()).hexdigest() == digest, name
    assert {"install.sh", "install.bat", "install.ps1", "start.bat", "README.txt",
            "constraints.txt"} <= set(listed)


@engine_independent
def test_bundle_has_exactly_the_pinned_wheels_for_every_platform(bundle_folder):
    """Every target finds a wheel of each pin that applies to it, every wheel in the folder is
    some target's, and each target's dependencies close over the pins."""
    pins = bundle.read_pins(bundle_folder / "constraints.txt")
    assert pins == bundle.read_pins(ROOT / "constraints.txt")
    wheels = bundle_folder / "wheels"
    [project] = wheels.glob("survey-*.whl")
    used = {project.name}
    for target in bundle.TARGETS:
        applicable = [pin for pin in pins.values() if target.applies(pin.marker)]
        chosen = bundle.best_wheels(target, wheels, applicable)
        assert bundle.check_closure(target, project, chosen, pins) == []
        used |= {path.name for path in chosen.values()}
    assert used == {path.name for path in wheels.glob("*.whl")}
    names = " ".join(sorted(used))
    for python in ("311", "312", "313"):
        assert f"psycopg_binary-3.3.9-cp{python}-cp{python}-win_amd64.whl" in names
        assert re.search(rf"psycopg_binary-3\.3\.9-cp{python}-cp{python}-manylinux\S*x86_64", names)
    assert "waitress-" in names and "gunicorn-" in names


@engine_independent
def test_what_is_tested_is_what_is_bundled(bundle_folder, venv, tmp_path):
    """The test run and the offline install have the pinned version of every package."""
    from importlib.metadata import version

    here = bundle.Target(f"{sys.version_info[0]}.{sys.version_info[1]}", "linux")
    pins = {name: pin for name, pin in bundle.read_pins(bundle_folder / "constraints.txt").items()
            if here.applies(pin.marker)}
    assert {name: version(name) for name in pins} == {n: p.version for n, p in pins.items()}
    installed = json.loads(run_installed(venv, (
        "import json; from importlib.metadata import distributions as d; "
        "print(json.dumps({x.metadata['Name']: x.version for x in d()}))"), tmp_path))
    installed = {bundle.canonicalize_name(n): v for n, v in installed.items()}
    installed.pop("pip", None)
    installed.pop("setuptools", None)
    assert installed.pop("survey") == "0.1.0"
    assert installed == {n: p.version for n, p in pins.items()}


@engine_independent
def test_bundle_zip_holds_the_folder(bundle_folder):
    with zipfile.ZipFile(bundle_folder.parent / f"{bundle_folder.name}.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {n.split("/", 1)[1] for n in names} == files(bundle_folder)
        assert all(n.startswith(f"{bundle_folder.name}/") for n in names)
        for info in archive.infolist():
            inside = bundle_folder / info.filename.split("/", 1)[1]
            assert archive.read(info) == inside.read_bytes(), info.filename
        mode = archive.getinfo(f"{bundle_folder.name}/install.sh").external_attr >> 16
        assert mode & stat.S_IXUSR


@engine_independent
def test_windows_scripts_are_windows_files_that_install_offline(bundle_folder):
    for name in ("install.bat", "install.ps1", "start.bat"):
        raw = (bundle_folder / name).read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n") > 3, name  # CRLF only
    ps1 = (bundle_folder / "install.ps1").read_bytes()
    assert ps1.startswith(b"\xef\xbb\xbf")  # PowerShell 5 reads UTF-8 only with a BOM
    text = ps1.decode("utf-8-sig")
    assert "--no-index" in text and '"survey==0.1.0"' in text and "--constraint" in text
    assert "install.ps1" in (bundle_folder / "install.bat").read_text()


@engine_independent
def test_project_wheel_carries_the_documents_face_and_its_licence(bundle_folder):
    """The PDFs are set in Liberation Serif: the wheel of the offline bundle carries its four
    files and the licence, the same bytes as the repository's."""
    [wheel] = (bundle_folder / "wheels").glob("survey-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for name in ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
                     "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf",
                     "LICENSE-Liberation.txt", "DejaVuSerif.ttf", "LICENSE-DejaVu.txt"):
            shipped = archive.read(f"survey/static/fonts/{name}")
            assert shipped == (ROOT / "survey" / "static" / "fonts" / name).read_bytes(), name


@engine_independent
@pytest.mark.slow
def test_project_wheel_is_rebuilt_byte_for_byte(bundle_folder, tmp_path):
    """The same sources give the same wheel, whatever the files' times and the build folder."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "dist",
                                    "instance", "test-artifacts", "*.mo")
    shutil.copytree(ROOT, source, ignore=ignore, copy_function=shutil.copy)  # new file times
    env = os.environ | {"SOURCE_DATE_EPOCH": bundle.source_date_epoch()}
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(tmp_path / "out"), str(source)], env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    [rebuilt] = (tmp_path / "out").glob("survey-*.whl")
    assert rebuilt.read_bytes() == (bundle_folder / "wheels" / rebuilt.name).read_bytes()


# -- the bundle builder's rules (no network) ------------------------------------------------------


def test_constraints_must_be_exact_pins(tmp_path):
    path = tmp_path / "constraints.txt"
    path.write_text("flask>=3\n")
    with pytest.raises(bundle.BundleError, match="not an exact pin"):
        bundle.read_pins(path)
    path.write_text("flask==3.1.3\nFlask==3.1.2\n")
    with pytest.raises(bundle.BundleError, match="pinned twice"):
        bundle.read_pins(path)
    path.write_text("# comment\nwaitress==3.0.2 ; sys_platform == 'win32'  # Windows only\n")
    assert bundle.read_pins(path)["waitress"].version == "3.0.2"


def test_markers_are_evaluated_for_the_target_not_this_machine():
    linux, windows = bundle.Target("3.11", "linux"), bundle.Target("3.13", "windows")
    pins = bundle.read_pins(ROOT / "constraints.txt")
    assert windows.applies(pins["waitress"].marker) and not linux.applies(pins["waitress"].marker)
    assert linux.applies(pins["gunicorn"].marker) and not windows.applies(pins["gunicorn"].marker)
    from packaging.markers import Marker

    old = Marker('python_version < "3.12"')
    assert linux.applies(old) and not windows.applies(old)
    binary = Marker('extra == "binary"')
    assert linux.applies(binary, frozenset({"binary"})) and not linux.applies(binary)


def _fake_wheel(folder: Path, filename: str, requires: tuple[str, ...] = ()) -> Path:
    path = folder / filename
    name, version = filename.split("-")[:2]
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return path


def test_each_target_gets_the_wheel_pip_would_choose(tmp_path):
    for filename in ("lib-1.0-cp311-cp311-win_amd64.whl",
                     "lib-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                     "lib-1.0-cp311-cp311-manylinux_2_34_x86_64.whl",  # newer than glibc 2.28
                     "lib-1.0-cp312-cp312-win_amd64.whl",
                     "lib-1.0-py3-none-any.whl",
                     "lib-0.9-cp311-cp311-win_amd64.whl"):
        _fake_wheel(tmp_path, filename)
    pin = bundle.Pin("lib", "1.0", None, "lib==1.0")
    choose = lambda python, system: bundle.best_wheels(  # noqa: E731
        bundle.Target(python, system), tmp_path, [pin])["lib"].name
    assert choose("3.11", "windows") == "lib-1.0-cp311-cp311-win_amd64.whl"
    assert choose("3.12", "windows") == "lib-1.0-cp312-cp312-win_amd64.whl"
    assert choose("3.11", "linux").startswith("lib-1.0-cp311-cp311-manylinux_2_17")
    assert choose("3.13", "linux") == "lib-1.0-py3-none-any.whl"
    (tmp_path / "lib-1.0-py3-none-any.whl").unlink()
    with pytest.raises(bundle.BundleError, match="no wheel of lib==1.0 fits"):
        choose("3.13", "windows")


def test_closure_finds_unpinned_mismatched_and_unneeded_packages(tmp_path):
    project = _fake_wheel(tmp_path, "survey-0.1.0-py3-none-any.whl",
                          ("app-dep>=2", "win-dep; sys_platform == 'win32'",
                           "pytest; extra == 'test'"))
    wheels = {"app-dep": _fake_wheel(tmp_path, "app_dep-1.0-py3-none-any.whl", ("deep",)),
              "spare": _fake_wheel(tmp_path, "spare-1.0-py3-none-any.whl")}
    pins = {"app-dep": bundle.Pin("app-dep", "1.0", None, "app-dep==1.0"),
            "spare": bundle.Pin("spare", "1.0", None, "spare==1.0")}
    problems = bundle.check_closure(bundle.Target("3.12", "windows"), project, wheels, pins)
    assert problems == [
        "windows Python 3.12: survey needs app-dep>=2, but constraints.txt pins app-dep==1.0",
        "windows Python 3.12: survey needs win-dep; sys_platform == \"win32\", which "
        "constraints.txt does not pin for this platform",
        "windows Python 3.12: app-dep needs deep, which constraints.txt does not pin for this "
        "platform",
        "windows Python 3.12: spare==1.0 is in constraints.txt but nothing needs it",
    ]


def test_zip_depends_only_on_the_files(tmp_path):
    folder = tmp_path / "survey-0.1.0-offline"
    (folder / "wheels").mkdir(parents=True)
    (folder / "install.sh").write_text("echo\n")
    (folder / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"PK wheel")
    bundle.write_zip(folder, tmp_path / "one.zip", "1700000000")
    for path in folder.rglob("*"):
        os.utime(path, (1, 1))
    (folder / "install.sh").chmod(0o600)
    bundle.write_zip(folder, tmp_path / "two.zip", "1700000000")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
