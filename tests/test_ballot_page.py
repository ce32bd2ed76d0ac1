"""The ballot page is rendered once per open round and language; it must never mix them up."""

from __future__ import annotations

import re

from survey.rounds.importing import SubjectRow


def claim(client, code, lang=None):
    if lang:
        client.set_cookie("lang", lang)
    response = client.post("/v", data={"code": code})
    assert response.status_code == 200
    return response.text


def test_every_voter_gets_the_same_lines_in_their_own_language(app, make_round):
    round_ = make_round(cards=3, open_=True)
    first = claim(app.test_client(), round_.codes[0])
    again = claim(app.test_client(), round_.codes[1])
    english = claim(app.test_client(), round_.codes[2], lang="en")
    assert first.count("Tín nhiệm cao") == len(round_.subjects)
    assert again.count("Tín nhiệm cao") == len(round_.subjects)
    assert english.count("High confidence") == len(round_.subjects)
    assert "Tín nhiệm cao" not in english
    assert english.count(' lang="vi"') >= len(round_.subjects)  # names stay marked Vietnamese
    for subject in round_.subjects:
        assert again.count(f'name="s{subject.id}"') == 3
    assert round_.codes[0].replace("-", "") in first.replace("-", "")  # each page its own card
    assert round_.codes[1].replace("-", "") in again.replace("-", "")
    assert round_.codes[0].replace("-", "") not in again.replace("-", "")


def test_two_open_rounds_keep_their_own_ballots(app, make_round):
    one = make_round(cards=1, open_=True)
    other = make_round(
        title="Đợt khác", cards=1, open_=True,
        rows=[SubjectRow(1, "Người Thứ Nhất", "Chức vụ A", ""),
              SubjectRow(2, "Người Thứ Hai", "Chức vụ B", "")],
    )
    page = claim(app.test_client(), one.codes[0])
    other_page = claim(app.test_client(), other.codes[0])
    assert one.subjects[0].name in page and "Người Thứ Nhất" not in page
    assert "Người Thứ Nhất" in other_page and one.subjects[0].name not in other_page
    assert "Đã chọn 0/2 người" in other_page


def test_back_from_review_keeps_the_marks(app, make_round):
    round_ = make_round(cards=1, open_=True)
    client = app.test_client()
    claim(client, round_.codes[0])  # the empty ballot is now cached
    first, second = round_.subjects[:2]
    data = {"code": round_.codes[0], f"s{first.id}": "low", f"s{second.id}": "high"}
    page = client.post("/v/ballot", data=data).text
    assert f'name="s{first.id}" value="low" checked' in page
    assert f'name="s{second.id}" value="high" checked' in page
    assert page.count(" checked") == 2
    assert claim(app.test_client(), round_.codes[0]).count(" checked") == 0  # cache untouched


def review(client, code, choices, lang=None):
    if lang:
        client.set_cookie("lang", lang)
    data = {"code": code} | {f"s{sid}": level for sid, level in choices.items()}
    response = client.post("/v/review", data=data)
    assert response.status_code == 200
    return response.text


def test_each_review_shows_that_voters_own_marks(app, make_round):
    round_ = make_round(cards=3, open_=True)
    subjects = round_.subjects
    lows = {s.id: "low" for s in subjects}
    mixed = {s.id: ("high", "confidence")[i % 2] for i, s in enumerate(subjects[:-2])}
    first = review(app.test_client(), round_.codes[0], lows)
    second = review(app.test_client(), round_.codes[1], mixed)
    english = review(app.test_client(), round_.codes[2], mixed, lang="en")
    assert first.count('value="low"') == len(subjects) and "Để trống" not in first
    assert "chưa chọn mức" not in first
    assert 'value="low"' not in second
    assert second.count('value="high"') + second.count('value="confidence"') == len(mixed)
    assert second.count("Để trống (không hợp lệ)") == 2
    assert "Bạn chưa chọn mức cho 2 người." in second
    for s in subjects[-2:]:
        assert f'aria-label="Chọn mức cho {s.name}"' in second
    assert english.count("Confidence") >= len(mixed) // 2 and "Để trống" not in english
    # the lines come in ballot order whatever order the form posted them in
    positions = [second.index(s.name) for s in subjects]
    assert positions == sorted(positions)


def test_a_line_for_another_rounds_subject_is_refused_at_review(app, make_round):
    one = make_round(cards=1, open_=True)
    other = make_round(title="Đợt khác", cards=1, open_=True)
    client = app.test_client()
    review(client, one.codes[0], {})  # the first round's ballot is cached
    response = client.post(
        "/v/review", data={"code": one.codes[0], f"s{other.subjects[0].id}": "low"}
    )
    assert response.status_code == 409
    assert "không thuộc lá phiếu này" in response.text


def _token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_landing_pages_carry_each_browsers_own_token(app, make_round):
    round_ = make_round(cards=2, open_=True)
    app.config["WTF_CSRF_ENABLED"] = True  # read at each request
    tokens = []
    for code in round_.codes:
        client = app.test_client()
        page = client.get("/v").text
        assert "\x00" not in page and "Mở lá phiếu" in page
        token = _token(page)
        tokens.append(token)
        ballot = client.post("/v", data={"code": code, "csrf_token": token})
        assert ballot.status_code == 200
        data = {"code": code, "csrf_token": _token(ballot.text)}
        review = client.post("/v/review", data=data)
        assert review.status_code == 200  # the ballot page's token is good
        cast = client.post("/v/cast", data=data | {"csrf_token": _token(review.text)})
        assert cast.status_code == 303
        assert client.post("/v/review", data={"code": code}).status_code == 400  # no token
    assert tokens[0] != tokens[1]
    stranger = app.test_client()
    stranger.get("/v")
    refused = stranger.post("/v", data={"code": round_.codes[0], "csrf_token": tokens[0]})
    assert refused.status_code == 400  # another browser's token is no good
    english = app.test_client()
    english.set_cookie("lang", "en")
    page = english.get("/v").text
    assert "Open the ballot" in page and "Mở lá phiếu" not in page


def test_ballot_and_review_pages_carry_each_voters_own_code_and_token(app, make_round):
    round_ = make_round(cards=2, open_=True)
    app.config["WTF_CSRF_ENABLED"] = True
    subject = round_.subjects[0]
    pages = []
    for code in round_.codes:
        client = app.test_client()
        landing = client.get("/v").text
        ballot = client.post("/v", data={"code": code, "csrf_token": _token(landing)}).text
        data = {"code": code, "csrf_token": _token(ballot), f"s{subject.id}": "low"}
        review = client.post("/v/review", data=data)
        assert review.status_code == 200
        pages.append((code, ballot, review.text))
    (code_a, ballot_a, review_a), (code_b, ballot_b, review_b) = pages
    for page in (ballot_a, ballot_b, review_a, review_b):
        assert "\x00" not in page
    assert _token(ballot_a) != _token(ballot_b) and _token(review_a) != _token(review_b)
    assert f'value="{code_a}"' in ballot_a and f'value="{code_a}"' in review_a
    assert code_a not in ballot_b and code_a not in review_b
    assert f'value="{code_b}"' in ballot_b and f'value="{code_b}"' in review_b


def test_the_review_page_fits_each_number_of_blank_lines(app, make_round):
    round_ = make_round(cards=3, open_=True)
    everyone = {s.id: "high" for s in round_.subjects}
    all_but_one = dict(list(everyone.items())[1:])
    two_blank = review(app.test_client(), round_.codes[0], dict(list(everyone.items())[2:]))
    none_blank = review(app.test_client(), round_.codes[1], everyone)
    one_blank = review(app.test_client(), round_.codes[2], all_but_one)
    assert "Bạn chưa chọn mức cho 2 người." in two_blank
    assert "chưa chọn mức" not in none_blank and "Để trống" not in none_blank
    assert "Bạn chưa chọn mức cho 1 người." in one_blank
    assert one_blank.count("Để trống (không hợp lệ)") == 1


def test_a_page_with_a_message_waiting_is_rendered_afresh(app):
    from flask import flash, session

    from survey.web.pages import voter_page

    calls = []

    def render(code):
        calls.append(str(code))
        return f"<p>{code}</p>"

    with app.test_request_context("/v"):
        assert voter_page(("test", 1), render, form=False, code="A") == "<p>A</p>"
        assert voter_page(("test", 1), render, form=False, code="B") == "<p>B</p>"
        assert calls == ["\x00code\x00"]  # rendered once, with the marker
        flash("Một thông báo")
        assert "_flashes" in session
        assert voter_page(("test", 1), render, form=False, code="C") == "<p>C</p>"
        assert calls[-1] == "C"  # rendered with the real value, and not kept
        assert voter_page(("test", 2), render, form=False, code="D") == "<p>D</p>"
    with app.test_request_context("/v?x=1"):
        voter_page(("test", 3), render, form=False, code="E")
        assert calls[-1] == "E"
