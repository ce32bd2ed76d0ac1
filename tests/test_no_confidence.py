"""The confidence vote (bỏ phiếu tín nhiệm): derived from a closed poll, voted on phones with
two levels, tallied with the dismissal rule, and its documents."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from survey.ballots.models import Ballot, Mark
from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, open_round
from survey.kinds.casting import cast_ballot
from survey.rounds.models import Round
from tests.conftest import NOW
from tests.factories import refused, run, run_json


def _closed_poll(session, make_round):
    """A poll of 12 with 10 ballots: subject 1 has 6 low (over half, under two thirds),
    subject 2 has 7 low (two thirds or more), subject 12 has 6 low; the rest high."""
    poll = make_round(cards=10, open_=True)
    ids = [s.id for s in poll.subjects]
    for i, code in enumerate(poll.codes):
        choices = dict.fromkeys(ids, "high")
        choices[ids[0]] = "low" if i < 6 else "confidence"
        choices[ids[1]] = "low" if i < 7 else "high"
        choices[ids[11]] = "low" if i >= 4 else "high"
        cast_ballot(session, code, choices)
    session.commit()
    close_round(session, poll, NOW)
    session.commit()
    return poll


def _vote(client, code, choices):
    claim = client.post("/v", data={"code": code})
    assert claim.status_code == 200, claim.text
    data = {"code": code} | {f"s{sid}": level for sid, level in choices.items()}
    review = client.post("/v/review", data=data)
    assert review.status_code == 200, review.text
    return claim, review, client.post("/v/cast", data=data)


def test_derive_from_closed_poll_by_button_then_vote_and_tally(
    client, session, logged_in, make_round, runner
):
    poll = _closed_poll(session, make_round)
    show = client.get(f"/rounds/{poll.id}")
    assert "Tạo đợt bỏ phiếu tín nhiệm từ kết quả này" in show.text

    response = client.post(f"/rounds/{poll.id}/derive")
    assert response.status_code == 302
    session.rollback()
    derived = session.scalars(select(Round).where(Round.kind == "no_confidence")).one()
    assert response.headers["Location"].endswith(f"/rounds/{derived.id}")
    # only the "over half, under two thirds" band, in ballot order
    assert [s.name for s in derived.subjects] == [poll.subjects[0].name, poll.subjects[11].name]
    assert [s.order for s in derived.subjects] == [1, 2]
    assert (derived.body, derived.summoned, derived.present) == (poll.body, 40, 38)
    assert derived.state.value == "draft"

    # ready to open once cards are handed out
    codes = [c.code for c in create_cards(session, derived, 8)]
    issue_cards(session, derived)
    open_round(session, derived, NOW)
    session.commit()
    first, second = (s.id for s in derived.subjects)

    claim, review, cast = _vote(client, codes[0], {first: "no_confidence", second: "confidence"})
    assert claim.text.count(f'name="s{first}"') == 2
    assert "Không tín nhiệm" in claim.text and "Tín nhiệm cao" not in claim.text
    assert "Tín nhiệm thấp" not in claim.text
    assert "Không tín nhiệm" in review.text
    assert cast.status_code == 303
    # a poll's level is not on this ballot: refused, nothing stored
    client.post("/v", data={"code": codes[1]})
    refused_cast = client.post("/v/cast", data={"code": codes[1], f"s{first}": "low"})
    assert refused_cast.status_code == 409
    session.rollback()
    assert session.scalar(select(Ballot.id).where(Ballot.round_id == derived.id)) is not None
    assert sorted(session.execute(select(Mark.subject_id, Mark.choice).join(Ballot).where(
        Ballot.round_id == derived.id)).all()) == [(first, "no_confidence"),
                                                    (second, "confidence")]

    # seven more: first gets 4 of 8 "no" in all (exactly half: not dismissal);
    # second gets 5 of 8 (over half), one blank line on the last ballot
    for i, code in enumerate(codes[1:], start=1):
        choices = {first: "no_confidence" if i < 4 else "confidence",
                   second: "no_confidence" if i < 6 else "confidence"}
        if i == 7:
            del choices[second]
        assert _vote(client, code, choices)[2].status_code == 303
    session.rollback()
    close_round(session, session.get(Round, derived.id), NOW)
    session.commit()

    data = json.loads(run(runner, "tally", derived.id).stdout)
    assert data["round"]["kind"] == "no_confidence"
    assert data["collected"] == 8 and data["denominator"] == "collected"
    assert data["levels"] == ["confidence", "no_confidence"]
    one, two = data["subjects"]
    assert one["counts"] == {"confidence": 4, "no_confidence": 4}
    assert one["percent"] == {"confidence": "50.00", "no_confidence": "50.00"}
    assert one["dismissal"] is False
    assert two["counts"] == {"confidence": 2, "no_confidence": 5}
    assert (two["valid"], two["invalid"]) == (7, 1)
    assert two["percent"]["no_confidence"] == "62.50" and two["dismissal"] is True

    rows = list(csv.reader(io.StringIO(run(runner, "tally", derived.id, "--format", "csv")
                                       .stdout)))
    assert rows[0][-1] == "Kết luận" and "Không tín nhiệm" in rows[0]
    assert rows[1][-1] == "" and rows[2][-1] == "Đề nghị miễn nhiệm"

    assert client.get(f"/rounds/{derived.id}/results.json").get_json() == data
    page = client.get(f"/rounds/{derived.id}/results")
    assert page.status_code == 200
    assert "Đề nghị miễn nhiệm" in page.text and "62,50" in page.text
    minutes = client.get(f"/rounds/{derived.id}/minutes")
    assert minutes.status_code == 200
    assert "BIÊN BẢN KIỂM PHIẾU" in minutes.text and "Không tín nhiệm" in minutes.text
    assert "Đề nghị miễn nhiệm" in minutes.text
    pdf = client.get(f"/rounds/{derived.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    ballots = client.get(f"/rounds/{derived.id}/ballots.jsonl")
    assert ballots.status_code == 200
    header = json.loads(ballots.data.splitlines()[0])
    assert header["kind"] == "no_confidence"
    assert header["levels"] == ["confidence", "no_confidence"]


def test_derive_by_cli_and_refusals(runner, session, make_round):
    poll = _closed_poll(session, make_round)
    data = run_json(runner, "round", "derive", poll.id, "--title", "Bỏ phiếu tín nhiệm")
    assert data["kind"] == "no_confidence" and data["subjects"] == 2
    assert data["status"] == "draft" and data["title"] == "Bỏ phiếu tín nhiệm"
    # from a round that is not a closed confidence poll: refused, nothing created
    assert "Chỉ tạo được" in refused(runner, "round", "derive", data["id"])
    open_poll = make_round(cards=2, open_=True)
    assert "sau khi kết thúc" in refused(runner, "round", "derive", open_poll.id)
    session.rollback()
    assert session.scalar(select(Round.id).where(Round.kind == "no_confidence")
                          .order_by(Round.id.desc())) == data["id"]


def test_derive_with_nobody_in_the_band_is_refused(runner, session, make_round):
    poll = make_round(cards=5, open_=True)
    for code in poll.codes:
        cast_ballot(session, code, {s.id: "high" for s in poll.subjects})
    session.commit()
    close_round(session, poll, NOW)
    session.commit()
    assert "Không có người nào" in refused(runner, "round", "derive", poll.id)




def test_too_few_ballots_show_no_figures_and_cannot_be_derived_from(
    client, session, logged_in, runner, make_round
):
    poll = make_round(cards=3, open_=True)
    for code in poll.codes:
        cast_ballot(session, code, {s.id: "low" for s in poll.subjects})
    session.commit()
    close_round(session, poll, NOW)
    session.commit()
    assert "quá ít phiếu" in refused(runner, "round", "derive", poll.id)

    vote = make_round(cards=3, open_=True)
    vote.kind = "no_confidence"
    session.commit()
    for code in vote.codes:
        cast_ballot(session, code, {vote.subjects[0].id: "no_confidence"})
    session.commit()
    close_round(session, vote, NOW)
    session.commit()
    data = json.loads(run(runner, "tally", vote.id).stdout)
    assert data["suppressed"] is True
    assert all(s["counts"] is None and s["dismissal"] is None for s in data["subjects"])
    page = client.get(f"/rounds/{vote.id}/results")
    assert page.status_code == 200 and "ít hơn mức tối thiểu" in page.text
    assert "Đề nghị miễn nhiệm" not in page.text
    assert client.get(f"/rounds/{vote.id}/minutes.pdf").status_code == 200
