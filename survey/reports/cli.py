"""The reports' commands: ``survey tally``, ``survey report`` and ``survey recount``."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from markupsafe import Markup
from sqlalchemy.orm import Session

from survey.errors import SurveyError
from survey.i18n import _, _l
from survey.kinds.confidence import BAND_LABELS, LEVEL_LABELS
from survey.reports import appraisal_output, charts, kinds, kinds_summary
from survey.reports.appraisal import appraisal_csv, appraisal_json, build_appraisal
from survey.reports.appraisal_documents import minutes_frame
from survey.reports.appraisal_documents import minutes_pdf as appraisal_minutes_pdf
from survey.reports.ballots_export import ballot_file
from survey.reports.documents import (
    BAND_CONSEQUENCES,
    Order,
    build_report,
    number,
    signed,
)
from survey.reports.kinds import tally_csv, tally_json
from survey.reports.pdf import minutes_pdf, summary_pdf
from survey.reports.xlsx import results_xlsx
from survey.rounds.models import Round
from survey.rounds.operations import get_round
from survey.tally import appraisal_recount
from survey.tally.confidence import Level
from survey.tally.recount import RecountError, decode, recount_document, sha256_hex


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
        try:
            round_ = get_round(session, round_id)
        except SurveyError as exc:
            raise click.ClickException(str(exc)) from exc
        if not round_.results_ready:
            raise click.ClickException(_("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
        if round_.kind == "appraisal":
            report = build_appraisal(session, round_)
            data, text = appraisal_json(report), appraisal_csv(report) if fmt == "csv" else ""
            if fmt == "json":
                text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        elif fmt == "json":
            text = json.dumps(tally_json(session, round_), ensure_ascii=False, indent=2) + "\n"
        else:
            text = tally_csv(session, round_)
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            # newline="": the CSV already ends its rows in CRLF; Windows must not add a CR
            out.write_text(("\ufeff" if fmt == "csv" else "") + text, encoding="utf-8",
                           newline="")
        except OSError as exc:
            raise click.ClickException(
                _("Không ghi được tệp %(path)s (%(error)s).", path=out,
                  error=exc.strerror or exc)
            ) from exc
        click.echo(_("Đã ghi %(path)s", path=out), err=True)


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


def render_document(session: Session, round_: Round, *, fmt: str, document: str,
                    order: str) -> bytes:
    """The bytes of one document of a closed round."""
    if round_.kind == "appraisal":
        return _appraisal_document(session, round_, fmt=fmt, document=document, order=order)
    if order not in {o.value for o in Order}:
        raise click.UsageError(_("Thứ tự %(order)s không dùng cho loại đợt này.", order=order))
    if document == "ballots":
        return ballot_file(session, round_)
    if fmt == "csv":
        return ("\ufeff" + tally_csv(session, round_)).encode()
    report = build_report(
        session, round_, tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        published_only_history=False,
    )
    if fmt == "xlsx":
        return results_xlsx(report)
    if fmt == "pdf":
        return minutes_pdf(report) if document == "minutes" else summary_pdf(report, order)
    title = _("Biên bản kiểm phiếu") if document == "minutes" else _("Báo cáo kết quả")
    html = render_template(
        "reports/standalone.html", document=f"reports/_{document}.html", css=document_css(),
        lang="vi", title=f"{title} – {round_.title}", report=report, round=round_,
        order=Order(order), lines=report.sorted_lines(order),
        orders=kinds_summary.order_labels(round_.kind), charts=charts, levels=list(Level),
        labels=LEVEL_LABELS, bands=BAND_LABELS, consequences=BAND_CONSEQUENCES, number=number,
        signed=signed, ks=kinds_summary, **kinds.page_labels(),
    )
    return html.encode("utf-8")


def _appraisal_document(session: Session, round_: Round, *, fmt: str, document: str,
                        order: str) -> bytes:
    """An appraisal round's documents (no HTML minutes: its minutes are a PDF or a page)."""
    if document == "ballots":
        return ballot_file(session, round_)
    report = build_appraisal(session, round_)
    if fmt == "csv":
        return ("\ufeff" + appraisal_csv(report)).encode()
    frame = minutes_frame(session, round_,
                          tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    if fmt == "pdf" and document == "minutes":
        return appraisal_minutes_pdf(frame, report)
    return appraisal_output.document(frame, report, fmt=fmt, document=document, order=order,
                                     css=document_css())


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
@click.option("--order", type=click.Choice([order.value for order in Order]
                                         + ["excellent", "failed"]),
              default="ballot", show_default=True,
              help="The summary's order: ballot; low (a poll), no_confidence (a confidence "
                   "vote), votes (a nomination round), excellent or failed (an appraisal).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (required for pdf and xlsx).")
@with_appcontext
def report_command(round_id: int, fmt: str, document: str | None, order: str,
                   out: Path | None) -> None:
    """Write a document of a closed round: minutes, summary, spreadsheet or ballot file."""
    document = document or FORMATS[fmt][0]
    if document not in FORMATS[fmt]:
        raise click.UsageError(
            _("Định dạng %(format)s không dùng cho %(document)s.", format=fmt, document=document)
        )
    if out is None and fmt in ("pdf", "xlsx"):
        raise click.UsageError(_("Cần --out TỆP cho định dạng %(format)s.", format=fmt))
    with current_app.extensions["survey.sessionmaker"]() as session:
        try:
            round_ = get_round(session, round_id)
            if not round_.results_ready:
                raise click.ClickException(_("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
            if (document == "summary" and round_.kind != "appraisal"
                    and order not in {o.value for o in kinds_summary.order_labels(round_.kind)}):
                raise click.UsageError(_("Thứ tự %(order)s không dùng cho loại đợt này.",
                                         order=order))
            data = render_document(session, round_, fmt=fmt, document=document, order=order)
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
}


def _hex(text: str) -> str:
    """A fingerprint as typed from paper: spaces, dashes and case do not matter."""
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def _recount_text(data: dict) -> str:
    """The recount as a plain table, for reading on screen."""
    lines = [
        _("Đợt số %(id)s: %(title)s", id=data["round"]["id"], title=data["round"]["title"]),
        _("Triệu tập %(s)s, có mặt %(p)s, phiếu phát ra %(i)s, phiếu thu về %(c)s; tỷ lệ tính "
          "trên %(d)s.", s=data["summoned"], p=data["present"], i=data["issued"],
          c=data["collected"], d=data["denominator_value"]),
        "",
    ]
    kind = data["round"]["kind"]
    if kind == "nomination":
        return "\n".join(lines + _nomination_text(data)) + "\n"
    if kind == "no_confidence":
        return "\n".join(lines + _no_confidence_text(data)) + "\n"
    header = [_("STT"), _("Họ và tên"), _("Cao"), "%", _("TN"), "%", _("Thấp"), "%",
              _("KHL"), _("Ngưỡng")]
    rows = [header]
    for item in data["subjects"]:
        if item["counts"] is None:
            rows.append([str(item["order"]), item["name"]] + ["—"] * 8)
            continue
        row = [str(item["order"]), item["name"]]
        for level in ("high", "confidence", "low"):
            row += [str(item["counts"][level]), item["percent"][level]]
        row += [str(item["invalid"]), item["band"] or ""]
        rows.append(row)
    return "\n".join(lines + _columns(rows, left=(1, 9))) + "\n"


def _columns(rows: list[list[str]], *, left: tuple[int, ...]) -> list[str]:
    """Rows as aligned text: the ``left`` columns flush left, the others flush right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
                      for i, cell in enumerate(row)).rstrip() for row in rows]


def _no_confidence_text(data: dict) -> list[str]:
    rows = [[_("STT"), _("Họ và tên"), _("TN"), "%", _("Không TN"), "%", _("KHL"),
             _("Kết luận")]]
    for item in data["subjects"]:
        if item["counts"] is None:
            rows.append([str(item["order"]), item["name"]] + ["—"] * 6)
            continue
        row = [str(item["order"]), item["name"]]
        for level in ("confidence", "no_confidence"):
            row += [str(item["counts"][level]), item["percent"][level]]
        row += [str(item["invalid"]), "dismissal" if item["dismissal"] else ""]
        rows.append(row)
    return _columns(rows, left=(1, 7))


def _nomination_text(data: dict) -> list[str]:
    out: list[str] = []
    for position in data["positions"]:
        out.append(_("%(order)s. %(title)s (tối đa %(seats)s người)", order=position["order"],
                     title=position["title"], seats=position["seats"]))
        if position["valid"] is None:
            out.append("   —")
            continue
        rows = [[_("TT"), _("Họ và tên"), _("Đồng ý"), "%", _("Kết quả")]]
        for item in position["candidates"] + position["write_ins"]:
            verdict = "nominated" if item["nominated"] else ("tied" if item["tied"] else "")
            rows.append([str(item.get("order", "+")), item["name"], str(item["votes"]),
                         item["percent"], verdict])
        out += ["   " + line for line in _columns(rows, left=(1, 4))]
        out.append("   " + _("Phiếu hợp lệ %(valid)s, không hợp lệ %(invalid)s.",
                             valid=position["valid"], invalid=position["invalid"]))
    for warning in data["warnings"]:
        out.append(_("Lưu ý: %(name)s được giới thiệu cho hơn 3 chức danh.",
                     name=warning["name"]))
    return out


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(
            _("Không đọc được tệp %(path)s (%(error)s).", path=path, error=exc.strerror or exc)
        ) from exc
    digest = sha256_hex(data)
    click.echo(_("Mã kiểm tra SHA-256 của tệp: %(hash)s", hash=digest), err=True)
    if expect is not None and _hex(expect) != digest:
        click.echo(
            _("KẾT LUẬN: KHÔNG KHỚP. Mã kiểm tra của tệp khác mã in trong biên bản (%(expect)s): "
              "tệp đã bị thay đổi hoặc không phải tệp gốc. Không dùng tệp này để kiểm lại.",
              expect=expect.strip()),
            err=True,
        )
        raise SystemExit(1)
    try:
        if appraisal_recount.is_appraisal_file(data):
            document = appraisal_recount.recount_document(appraisal_recount.decode(data))
        else:
            document = recount_document(decode(data))
    except RecountError as exc:
        message = RECOUNT_ERRORS.get(exc.code)
        text = str(message) % exc.params if message else str(exc)
        raise click.ClickException(_("Tệp không đúng định dạng tệp phiếu: %(problem)s",
                                     problem=text)) from exc
    if fmt == "json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    elif document["round"]["kind"] == "appraisal":
        text = appraisal_output.recount_text(document)
    else:
        text = _recount_text(document)
    _write(text.encode("utf-8"), out)
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
