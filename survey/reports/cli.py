"""The reports' commands: ``survey tally``, ``survey report`` and ``survey recount``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from markupsafe import Markup
from sqlalchemy.orm import Session

from survey.documents.csv import SEPARATORS, with_separator
from survey.errors import SurveyError
from survey.i18n import _, _l
from survey.kinds import KINDS, kind_of
from survey.kinds.base import Kind
from survey.reports.ballot_file import ballot_file
from survey.reports.report import build_frame
from survey.rounds.models import Round
from survey.rounds.operations import get_round
from survey.tally.files import RecountError
from survey.tally.recount import sha256_hex


def _closed_round(session: Session, round_id: int) -> Round:
    """:raises click.ClickException: if there is no such round, or it is not closed yet."""
    try:
        round_ = get_round(session, round_id)
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    if not round_.results_ready:
        raise click.ClickException(_("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
    return round_


@click.command("tally", help="In kết quả kiểm phiếu của một đợt đã kết thúc (JSON hoặc CSV).")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@with_appcontext
def tally_command(round_id: int, fmt: str, out: Path | None) -> None:
    """Print the tally of a closed round."""
    with current_app.extensions["survey.sessionmaker"]() as session:
        round_ = _closed_round(session, round_id)
        kind = kind_of(round_)
        if fmt == "json":
            text = json.dumps(kind.tally_json(session, round_), ensure_ascii=False,
                              indent=2) + "\n"
        else:
            text = kind.tally_csv(session, round_)
    if out is None:
        click.echo(text, nl=False)
        return
    # newline="": the CSV already ends its rows in CRLF; Windows must not add a CR
    _write((("\ufeff" if fmt == "csv" else "") + text).encode("utf-8"), out)


# -- survey report: the documents of a closed round -------------------------------------------

#: Which document each format gives by default, and which documents each format can give.
FORMATS = {
    "pdf": ("minutes", "summary"),
    "html": ("minutes", "summary"),
    "xlsx": ("results",),
    "csv": ("results",),
    "jsonl": ("ballots",),
}
STATIC = Path(__file__).resolve().parent.parent / "static"
ORDERS = sorted({str(order) for each in KINDS.values() for order in each.summary_orders})


def document_css() -> Markup:
    """The style sheet's reports section, for a standalone HTML file."""
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    start = css.find("/* ==== Reports")
    section = css[start:] if start >= 0 else ""
    # no server behind a file: the fonts fall back to the reader's serif face
    section = "\n".join(line for line in section.splitlines() if "@font-face" not in line)
    base = (
        "body{margin:0;background:#fff;overflow-wrap:anywhere}"
        "main{max-width:960px;margin:0 auto;padding:12px}"
        "table{border-collapse:collapse;width:100%}.table-wrap{overflow-x:auto}"
        ".band-over_half_low{background:#fff3d6}.band-two_thirds_low{background:#fde0e0}"
    )
    return Markup(base + section)


def _standalone(round_: Round, kind: Kind, report: Any, document: str, order: str) -> bytes:
    """A document as an HTML file of its own: no server behind it, the style sheet inlined."""
    title = _("Biên bản kiểm phiếu") if document == "minutes" else _("Báo cáo kết quả")
    html = render_template(
        "reports/standalone.html", document=kind.documents[document], css=document_css(),
        lang="vi", title=f"{title} – {round_.title}", round=round_,
        **kind.page_context(report, order),
    )
    return html.encode("utf-8")


def render_document(session: Session, round_: Round, *, fmt: str, document: str,
                    order: str, separator: str = "comma") -> bytes:
    """The bytes of one document of a closed round (``separator``: the CSV's)."""
    kind = kind_of(round_)
    if document == "ballots":
        return ballot_file(session, round_)
    if fmt == "csv":
        return ("\ufeff" + with_separator(kind.tally_csv(session, round_), separator)).encode()
    frame = build_frame(session, round_,
                        tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    report = kind.report(session, round_, frame, published_only=False)
    if fmt == "xlsx":
        return kind.workbook(report)
    if fmt == "pdf":
        return kind.minutes_pdf(report) if document == "minutes" else kind.summary_pdf(
            report, order)
    return _standalone(round_, kind, report, document, order)


@click.command(
    "report",
    help="Xuất tài liệu của một đợt đã kết thúc: biên bản, báo cáo tóm tắt, bảng tính, tệp phiếu.",
)
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="pdf",
              show_default=True)
@click.option("--document", type=click.Choice(["minutes", "summary", "results", "ballots"]),
              help="minutes or summary (pdf, html); results (xlsx, csv); ballots (jsonl). "
                   "Default: the first the format gives.")
@click.option("--order", type=click.Choice(ORDERS), default="ballot", show_default=True,
              help="The summary's order: ballot; low (a poll), no_confidence (a confidence "
                   "vote), votes (a nomination round), excellent or failed (an appraisal).")
@click.option("--separator", type=click.Choice(SEPARATORS), default="comma",
              show_default=True,
              help="The CSV's: comma (decimal point) or semicolon (decimal comma, as Excel "
                   "under Vietnamese regional settings expects).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (required for pdf and xlsx).")
@with_appcontext
def report_command(round_id: int, fmt: str, document: str | None, order: str,
                   separator: str, out: Path | None) -> None:
    """Write a document of a closed round: minutes, summary, spreadsheet or ballot file."""
    document = document or FORMATS[fmt][0]
    if document not in FORMATS[fmt]:
        raise click.UsageError(
            _("Định dạng %(format)s không dùng cho %(document)s.", format=fmt, document=document)
        )
    if out is None and fmt in ("pdf", "xlsx"):
        raise click.UsageError(_("Cần --out TỆP cho định dạng %(format)s.", format=fmt))
    with current_app.extensions["survey.sessionmaker"]() as session:
        round_ = _closed_round(session, round_id)
        if document == "summary" and order not in kind_of(round_).summary_orders:
            raise click.UsageError(_("Thứ tự %(order)s không dùng cho loại đợt này.",
                                     order=order))
        try:
            data = render_document(session, round_, fmt=fmt, document=document, order=order,
                                   separator=separator)
        except SurveyError as exc:
            raise click.ClickException(str(exc)) from exc
    _write(data, out)


def _write(data: bytes, out: Path | None) -> None:
    if out is None:
        click.echo(data, nl=False)  # bytes go to the binary stream, untouched
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(
            _("Không ghi được tệp %(path)s (%(error)s).", path=out, error=exc.strerror or exc)
        ) from exc
    click.echo(_("Đã ghi %(path)s", path=out), err=True)


# -- survey recount: the tally again, from the ballot file alone --------------------------------

RECOUNT_ERRORS = {
    "not_utf8": _l("Tệp không phải văn bản UTF-8."),
    "empty": _l("Tệp rỗng."),
    "bad_line": _l("Dòng %(line)s không đọc được (không phải JSON)."),
    "not_ballot_file": _l("Đây không phải tệp phiếu xuất từ phần mềm."),
    "bad_version": _l("Phiên bản tệp phiếu không được hỗ trợ: %(version)s."),
    "bad_kind": _l("Loại đợt lấy phiếu không được hỗ trợ: %(kind)s."),
    "bad_header": _l("Phần đầu tệp sai ở mục “%(field)s”."),
    "bad_ballot": _l("Dòng %(line)s không phải một phiếu của đợt này."),
    "count_mismatch": _l(
        "Tệp có %(found)s phiếu nhưng phần đầu tệp ghi %(expected)s phiếu thu về."
    ),
    "bad_record": _l("Dòng %(line)s không phải một dòng phiếu của đợt này."),
    "out_of_order": _l(
        "Dòng %(line)s không đúng thứ tự: các dòng phiếu phải được xếp theo thứ tự cố định "
        "của tệp."
    ),
    "records_mismatch": _l(
        "Tệp có %(found)s dòng phiếu nhưng phần đầu tệp ghi %(expected)s dòng."
    ),
}


def _hex(text: str) -> str:
    """A fingerprint as typed from paper: spaces, dashes and case do not matter."""
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def _file_kind(data: bytes) -> Kind:
    """The kind a ballot file's header names; a file whose header cannot be read is handed
    to the poll's reader, which says what is wrong with it."""
    try:
        header = json.loads(data.split(b"\n", 1)[0].decode("utf-8"))
    except ValueError:
        header = None
    name = header.get("kind") if isinstance(header, dict) else None
    return KINDS.get(name, KINDS["confidence"]) if isinstance(name, str) else KINDS["confidence"]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(
            _("Không đọc được tệp %(path)s (%(error)s).", path=path, error=exc.strerror or exc)
        ) from exc


def _check(digest: str, expect: str | None) -> None:
    click.echo(_("Mã kiểm tra SHA-256 của tệp: %(hash)s", hash=digest), err=True)
    if expect is not None and _hex(expect) != digest:
        click.echo(
            _("KẾT LUẬN: KHÔNG KHỚP. Mã kiểm tra của tệp khác mã in trong biên bản (%(expect)s): "
              "tệp đã bị thay đổi hoặc không phải tệp gốc. Không dùng tệp này để kiểm lại.",
              expect=expect.strip()),
            err=True,
        )
        raise SystemExit(1)


def _recount(kind: Kind, data: bytes) -> dict[str, Any]:
    try:
        return kind.recount(data)
    except RecountError as exc:
        message = RECOUNT_ERRORS.get(exc.code)
        text = str(message) % exc.params if message else str(exc)
        raise click.ClickException(_("Tệp không đúng định dạng tệp phiếu: %(problem)s",
                                     problem=text)) from exc


def _conclude(document: dict[str, Any], expect: str | None) -> None:
    if "positions" in document:
        summary = _("Đã kiểm lại %(n)d phiếu của %(p)d chức danh từ chính tệp này.",
                    n=document["collected"], p=len(document["positions"]))
    else:
        summary = _("Đã kiểm lại %(n)d phiếu của %(s)d người được lấy phiếu từ chính tệp "
                    "này.", n=document["collected"], s=len(document["subjects"]))
    if expect is None:
        click.echo(summary, err=True)
        click.echo(_("Chưa so sánh mã kiểm tra: hãy chạy lại với --expect <mã in trong biên "
                     "bản> để biết tệp có đúng là tệp gốc không."), err=True)
    else:
        click.echo(_("KẾT LUẬN: KHỚP. Mã kiểm tra trùng với mã in trong biên bản. %(summary)s",
                     summary=summary), err=True)


@click.command(
    "recount",
    help="Kiểm lại tệp phiếu trên máy bất kỳ (không cần cơ sở dữ liệu), đối chiếu mã kiểm tra.",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--expect", metavar="SHA256",
              help="The ballot-set fingerprint printed in the minutes.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the tally to this file instead of standard output.")
def recount_command(path: Path, expect: str | None, fmt: str, out: Path | None) -> None:
    """Recount a ballot file on any computer (no database), and check its fingerprint.

    Prints the tally as `survey tally --format json` does; exits with 1 if the file's
    SHA-256 differs from --expect or the file is not a well-formed ballot file.
    """
    data = _read(path)
    _check(sha256_hex(data), expect)
    kind = _file_kind(data)
    document = _recount(kind, data)
    if fmt == "json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        text = kind.recount_text(document)
    _write(text.encode("utf-8"), out)
    _conclude(document, expect)
