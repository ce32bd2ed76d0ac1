"""How much of a request the app reads and parses: bounded before any parsing starts.

A form is parsed by the first code that touches ``request.form``, which is the CSRF check that
runs before every view, before any sign-in is asked for. werkzeug reads a URL-encoded body whole
and bounds it by ``MAX_CONTENT_LENGTH`` alone (4 MB, for the subject lists organizers upload),
and it does not count the fields of such a body: 4 MB of empty fields cost seconds of CPU. So:

* the pages a voter or a signing-in organizer posts to take a body no larger than their largest
  legitimate form (:data:`BODY_LIMITS`);
* no form may have more fields than the largest legitimate one (``MAX_FORM_PARTS``), counted in
  the raw body before it is parsed, URL-encoded or multipart alike.

Either refusal is a 413 page; nothing has been parsed, checked or stored.
"""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Request, has_request_context, session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

#: A sign-in or a card code: user name (80), password (200) and the CSRF token, every letter
#: percent-encoded as three bytes, are under 3 KB.
SMALL_FORM = 16 * 1024
#: A confidence or nomination ballot at every limit the app sets (500 candidates, 50 positions
#: of 3 seats, each write-in 120 letters of three bytes) is 170 KB; a 45-line ballot with a
#: write-in for every seat of 15 positions is 3 KB.
BALLOT_FORM = 256 * 1024
#: An appraisal form of a 500-member roster with a 500-letter comment on every line is 2.3 MB.
APPRAISAL_FORM = 2560 * 1024

#: Page → the largest body it takes. Every other page is an organizer's: without a signed-in
#: session it takes :data:`SMALL_FORM` (its body would never be used: the page asks for a
#: sign-in), with one ``MAX_CONTENT_LENGTH`` (a subject list). Keyed by path, which is what
#: phones and printed cards know, so that it holds however the views are arranged.
BODY_LIMITS = {
    "/login": SMALL_FORM,
    "/v": SMALL_FORM,
    "/v/ballot": BALLOT_FORM,
    "/v/review": BALLOT_FORM,
    "/v/cast": BALLOT_FORM,
    "/v/a/ballot": APPRAISAL_FORM,
    "/v/a/review": APPRAISAL_FORM,
    "/v/a/cast": APPRAISAL_FORM,
}

URLENCODED = "application/x-www-form-urlencoded"


class FieldCountingParser(FormDataParser):
    """Refuses a URL-encoded body with more than ``max_form_parts`` fields before parsing it
    (werkzeug counts the parts of multipart bodies only)."""

    def parse(self, stream: IO[bytes], mimetype: str, content_length: int | None,
              options: dict[str, str] | None = None) -> Any:
        if mimetype == URLENCODED and self.max_form_parts is not None:
            body = stream.read()  # already limited to max_content_length
            if body.count(b"&") >= self.max_form_parts:
                raise RequestEntityTooLarge()
            stream = io.BytesIO(body)
        return super().parse(stream, mimetype, content_length, options)


class LimitedRequest(Request):
    """The app's request: the body limit of its page, and counted fields."""

    form_data_parser_class = FieldCountingParser

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        own = BODY_LIMITS.get(self.path)
        if own is None and not _signed_in():
            own = SMALL_FORM
        if own is not None and (limit is None or own < limit):
            return own
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def _signed_in() -> bool:
    """Whether the request's (signed) session names an organizer; it may still have expired."""
    return has_request_context() and "_user_id" in session
