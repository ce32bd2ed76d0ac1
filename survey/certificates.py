"""``survey cert``: a certificate that phones in the meeting room accept for the server's address.

No public authority certifies an address like ``192.168.1.10``, so the command makes its own: a
certificate authority (CA) that lives for one signature, and a server certificate it signs for
the given addresses. The CA's private key is never written anywhere: once it has signed, it is
gone, so the CA certificate that phones are asked to trust can never vouch for anything else (a
bank's site, say). Phones that install it open the site with no warning; phones that do not get
the browser's warning once, as with any self-signed certificate, and are still protected from
anyone who merely listens on the Wi-Fi (docs/deployment.md, "HTTPS in the meeting room").
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import current_app
from flask.cli import with_appcontext

from survey.i18n import _

#: Apple's platforms refuse a server certificate valid for more than 825 days (and public CAs
#: stop at 398); a year and a month covers a term's meetings.
DEFAULT_DAYS = 397
MAX_DAYS = 825

CA_FILE = "ca.crt"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"


@dataclass(frozen=True)
class Made:
    ca: Path
    cert: Path
    key: Path
    #: SHA-256 of the CA certificate, as phones show it (``AB:CD:…``), to compare before trusting.
    fingerprint: str


def make_certificates(folder: Path, addresses: Sequence[str], names: Sequence[str] = (), *,
                      days: int = DEFAULT_DAYS, now: datetime | None = None) -> Made:
    """Write ``ca.crt`` (for phones), ``cert.pem`` (the server's, then the CA's) and ``key.pem``
    (the server's key, mode 0600) into ``folder``.

    :param addresses: IP addresses the server is reached at (each becomes an ``IP`` name).
    :param names: host names, if phones reach it by name.
    """
    from survey.instance import private_folder

    now = now or datetime.now(UTC)
    start, end = now - timedelta(hours=1), now + timedelta(days=days)  # phones' clocks drift
    ips = [ipaddress.ip_address(a) for a in addresses]
    label = ", ".join([*names, *addresses])
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "survey"),
        x509.NameAttribute(NameOID.COMMON_NAME,
                           f"survey {socket.gethostname()[:20]} {now:%Y-%m-%d} ({label})"[:64]),
    ])
    ca_public = ca_key.public_key()
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_public)
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_public), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (names or addresses)[0])]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(
            [*(x509.DNSName(n) for n in names), *(x509.IPAddress(ip) for ip in ips)]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    del ca_key  # never written: this CA signs nothing else, ever

    private_folder(folder)
    pem = serialization.Encoding.PEM
    made = Made(folder / CA_FILE, folder / CERT_FILE, folder / KEY_FILE,
                ca.fingerprint(hashes.SHA256()).hex(":").upper())
    _write(made.key, key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()), 0o600)
    _write(made.cert, cert.public_bytes(pem) + ca.public_bytes(pem), 0o644)
    _write(made.ca, ca.public_bytes(pem), 0o644)
    return made


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if os.name != "nt":
        os.chmod(path, mode)


def _address(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    for value in values:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise click.BadParameter(_("%(value)s không phải địa chỉ IP.", value=value)) from None
    return list(values)


@click.command("cert", help="Tạo chứng chỉ HTTPS cho địa chỉ LAN của máy này (để chạy "
                            "'survey serve --certfile … --keyfile …').")
@click.option("--ip", "addresses", multiple=True, callback=_address,
              help="An address phones use (repeatable) [default: this machine's LAN addresses].")
@click.option("--name", "names", multiple=True, help="A host name phones use (repeatable).")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the files [default: INSTANCE/tls].")
@click.option("--days", default=DEFAULT_DAYS, show_default=True,
              type=click.IntRange(1, MAX_DAYS))
@click.option("--force", is_flag=True, help="Replace the files already there.")
@with_appcontext
def cert_command(addresses: list[str], names: tuple[str, ...], folder: Path | None, days: int,
                 force: bool) -> None:
    """Make a one-signature CA and a server certificate for the LAN addresses."""
    from survey.net import lan_addresses

    folder = folder or Path(current_app.instance_path, "tls")
    addresses = addresses or lan_addresses()
    if not addresses and not names:
        raise click.ClickException(_("Không tìm thấy địa chỉ LAN nào: hãy nêu bằng --ip."))
    if not force and any((folder / f).exists() for f in (CA_FILE, CERT_FILE, KEY_FILE)):
        raise click.ClickException(_(
            "Đã có chứng chỉ trong %(folder)s. Tạo mới thì điện thoại đã cài CA cũ phải cài lại "
            "CA mới; nếu vẫn muốn, thêm --force.", folder=folder))
    made = make_certificates(folder, addresses, list(names), days=days)
    click.echo(_("Đã tạo chứng chỉ HTTPS cho: %(names)s (hết hạn sau %(days)d ngày).",
                 names=", ".join([*names, *addresses]), days=days))
    click.echo(_("  Chứng chỉ CA, để cài lên điện thoại: %(path)s", path=made.ca))
    click.echo(_("  Dấu vân tay SHA-256 của CA: %(fp)s", fp=made.fingerprint))
    click.echo(_("  Chứng chỉ máy chủ: %(path)s", path=made.cert))
    click.echo(_("  Khóa riêng (giữ kín): %(path)s", path=made.key))
    click.echo(_("Chạy máy chủ: survey serve --certfile %(cert)s --keyfile %(key)s",
                 cert=made.cert, key=made.key))
