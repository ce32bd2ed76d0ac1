"""``survey serve``'s choices before the server starts (the server itself: test_server.py)."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import ssl
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import inspect

from survey.certificates import cert_command, make_certificates
from survey.cli import serve_command
from tests.conftest import make_test_app


@pytest.fixture
def started(monkeypatch):
    """What ``survey serve`` would hand to gunicorn; nothing is started."""
    calls: list[dict] = []
    monkeypatch.delenv("SURVEY_DETECTED_BASE_URL", raising=False)  # set by serve; undone after
    monkeypatch.setattr("survey.server.run", lambda **options: calls.append(options))
    return calls


@pytest.fixture
def sqlite_app(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'serve.sqlite'}")
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["survey.engine"].dispose()


def test_more_than_one_worker_on_sqlite_is_refused_in_vietnamese(sqlite_app, started):
    result = sqlite_app.test_cli_runner().invoke(serve_command, ["--workers", "2"])
    assert result.exit_code == 1
    assert "Với SQLite chỉ chạy được một tiến trình (--workers 1)" in result.output
    assert "PostgreSQL" in result.output
    assert started == []
    # refused before anything was done: no migration ran, no account was made
    assert inspect(sqlite_app.extensions["survey.engine"]).get_table_names() == []


def test_one_worker_on_sqlite_starts_with_no_connection_left_open(sqlite_app, started):
    result = sqlite_app.test_cli_runner().invoke(serve_command, ["--port", "8123"])
    assert result.exit_code == 0, result.output
    [options] = started
    assert options["workers"] == 1 and options["port"] == 8123
    # the engine was disposed before the (would-be) fork: its pool holds nothing
    assert sqlite_app.extensions["survey.engine"].pool.checkedin() == 0


# -- HTTPS ----------------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path):
    return make_certificates(tmp_path / "tls", ["192.0.2.10"])


def test_a_certificate_from_the_settings_serves_https_and_prints_https(sqlite_app, started, pair):
    sqlite_app.config.update(BASE_URL=None, CERTFILE=str(pair.cert), KEYFILE=str(pair.key))
    result = sqlite_app.test_cli_runner().invoke(serve_command, ["--port", "8443"])
    assert result.exit_code == 0, result.output
    [options] = started
    assert (options["certfile"], options["keyfile"]) == (str(pair.cert), str(pair.key))
    printed = re.search(r"Điện thoại trong mạng LAN mở: (\S+)", result.output).group(1)
    assert printed.startswith("https://") and printed.endswith(":8443/v")
    assert os.environ["SURVEY_DETECTED_BASE_URL"] == printed.removesuffix("/v")


def test_command_line_files_win_over_the_settings(sqlite_app, started, pair, tmp_path):
    sqlite_app.config.update(CERTFILE=str(tmp_path / "missing.pem"), KEYFILE="missing.key")
    result = sqlite_app.test_cli_runner().invoke(
        serve_command, ["--certfile", str(pair.cert), "--keyfile", str(pair.key)])
    assert result.exit_code == 0, result.output
    assert started[0]["certfile"] == str(pair.cert)


def test_plain_http_when_no_certificate(sqlite_app, started):
    sqlite_app.config["BASE_URL"] = None
    result = sqlite_app.test_cli_runner().invoke(serve_command, [])
    assert result.exit_code == 0, result.output
    assert started[0]["certfile"] is None
    assert "LAN mở: http://" in result.output


@pytest.mark.parametrize("case", ["cert only", "key only", "missing file", "wrong key",
                                  "not a certificate"])
def test_a_bad_certificate_is_refused_before_anything_starts(sqlite_app, started, pair,
                                                             tmp_path, case):
    other = make_certificates(tmp_path / "other", ["192.0.2.11"])
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    args = {
        "cert only": ["--certfile", str(pair.cert)],
        "key only": ["--keyfile", str(pair.key)],
        "missing file": ["--certfile", str(tmp_path / "nope.pem"), "--keyfile", str(pair.key)],
        "wrong key": ["--certfile", str(pair.cert), "--keyfile", str(other.key)],
        "not a certificate": ["--certfile", str(junk), "--keyfile", str(pair.key)],
    }[case]
    result = sqlite_app.test_cli_runner().invoke(serve_command, args)
    assert result.exit_code == 1
    assert ("HTTPS cần cả chứng chỉ và khóa riêng" in result.output
            or "Không dùng được chứng chỉ" in result.output), result.output
    assert started == []
    assert inspect(sqlite_app.extensions["survey.engine"]).get_table_names() == []


def test_an_http_base_url_with_a_certificate_is_warned_about(sqlite_app, started, pair):
    sqlite_app.config.update(CERTFILE=str(pair.cert), KEYFILE=str(pair.key))  # BASE_URL http
    result = sqlite_app.test_cli_runner().invoke(serve_command, [])
    assert result.exit_code == 0
    assert "Cảnh báo: máy chủ phục vụ HTTPS nhưng SURVEY_BASE_URL là http://" in result.output


def test_cards_made_from_the_cli_carry_https_with_a_certificate(sqlite_app, pair):
    from survey.db import upgrade
    from survey.desk.cli import cards_cli
    from survey.desk.operations import create_round
    from survey.rounds.operations import record_attendance
    from tests.conftest import NOW, btv_rows

    sqlite_app.config.update(BASE_URL=None, CERTFILE=str(pair.cert), KEYFILE=str(pair.key))
    with sqlite_app.app_context():
        upgrade()
    with sqlite_app.extensions["survey.sessionmaker"].begin() as session:
        round_ = create_round(session, title="Thẻ", subjects=btv_rows()[:2], now=NOW)
        record_attendance(session, round_, summoned=2, present=2)
        round_id = round_.id
    result = sqlite_app.test_cli_runner().invoke(
        cards_cli, ["create", str(round_id), "--count", "1", "--json"])
    assert result.exit_code == 0, result.output
    [card] = json.loads(result.stdout)["cards"]
    assert card["url"].startswith("https://")


# -- survey cert ----------------------------------------------------------------------------------


def test_survey_cert_makes_a_ca_and_a_server_certificate_for_the_addresses(sqlite_app, tmp_path):
    folder = tmp_path / "tls"
    result = sqlite_app.test_cli_runner().invoke(
        cert_command, ["--ip", "192.168.1.10", "--ip", "10.0.0.5", "--name", "phieu.lan",
                       "--out", str(folder)])
    assert result.exit_code == 0, result.output
    ca = x509.load_pem_x509_certificate((folder / "ca.crt").read_bytes())
    chain = x509.load_pem_x509_certificates((folder / "cert.pem").read_bytes())
    server = chain[0]
    assert chain[1] == ca  # the chain a phone needs, in the server's file
    server.verify_directly_issued_by(ca)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.168.1.10"),
                                                         ipaddress.ip_address("10.0.0.5")]
    assert names.get_values_for_type(x509.DNSName) == ["phieu.lan"]
    assert server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    days = (server.not_valid_after_utc - server.not_valid_before_utc).days
    assert days <= 398  # what phones accept
    assert stat.S_IMODE((folder / "key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # the key goes with the certificate, and the CA's own key was never written
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
        folder / "cert.pem", folder / "key.pem")
    assert sorted(p.name for p in folder.iterdir()) == ["ca.crt", "cert.pem", "key.pem"]
    assert ca.fingerprint(hashes.SHA256()).hex(":").upper() in result.output
    assert f"survey serve --certfile {folder / 'cert.pem'} --keyfile {folder / 'key.pem'}" \
        in result.output


def test_survey_cert_keeps_existing_files_unless_forced(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    args = ["--ip", "192.168.1.10", "--out", str(tmp_path / "tls")]
    assert runner.invoke(cert_command, args).exit_code == 0
    first = (tmp_path / "tls" / "ca.crt").read_bytes()
    again = runner.invoke(cert_command, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert (tmp_path / "tls" / "ca.crt").read_bytes() == first
    assert runner.invoke(cert_command, [*args, "--force"]).exit_code == 0
    assert (tmp_path / "tls" / "ca.crt").read_bytes() != first


def test_survey_cert_refuses_what_is_not_an_address(sqlite_app, tmp_path):
    result = sqlite_app.test_cli_runner().invoke(
        cert_command, ["--ip", "phieu.lan", "--out", str(tmp_path / "tls")])
    assert result.exit_code == 2 and "không phải địa chỉ IP" in result.output
    assert not (tmp_path / "tls").exists()
