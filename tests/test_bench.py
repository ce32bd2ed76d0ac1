"""The benchmark still runs and still checks its own counts (seconds, tiny sizes; no timing).

The figures themselves are in docs/performance.md; ``python -m bench`` produces them.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("aiohttp", reason="the bench extra is not installed: pip install -e .[bench]")
pytest.importorskip("psutil", reason="the bench extra is not installed: pip install -e .[bench]")

from bench.documents import documents_table, run_documents_bench  # noqa: E402
from bench.load import percentile  # noqa: E402
from bench.run import main  # noqa: E402
from bench.steps import step_costs  # noqa: E402
from bench.tally import run_tally_bench  # noqa: E402
from tests.conftest import PG_URL  # noqa: E402

pytestmark = pytest.mark.slow

ENGINE = "postgresql" if PG_URL else "sqlite"


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([], 99) == 0.0


def test_voters_benchmark_runs_and_verifies_its_counts(tmp_path):
    out = tmp_path / "vote.json"
    args = ["vote", "--engines", ENGINE, "--voters", "10", "--subjects", "3",
            "--healthz-seconds", "0.3", "--think", "0.2", "--arrival", "0.5",
            "--sitting", ENGINE, "--json", str(out)]
    if PG_URL:
        args += ["--pg-url", PG_URL, "--pg-workers", "2"]
    with pytest.raises(SystemExit) as exit_:
        main(args)
    results = json.loads(out.read_text())
    assert [r["scenario"] for r in results] == ["saturation", "sitting"]
    for result in results:
        assert result["check"] == {
            "ballots": 10, "distinct_ballot_ids": 10, "used_cards": 10, "confirmed_casts": 10,
            "lost": 0, "duplicated": 0, "marks_differing": 0, "ok": True,
        }
        assert result["errors"] == {} and result["healthz_errors"] == 0
        assert result["ballots_per_second"] > 0 and min(result["healthz_per_second"]) > 0
        assert result["latency_ms"]["cast"]["n"] == 10
        assert result["server"]["peak_rss_mb"] > 0
        assert result["page"]["foreign_references"] == []
        assert result["requests_per_vote"] >= 5  # landing, claim, review, cast, thanks
    assert exit_.value.code == 0


def test_tally_benchmark_runs_and_verifies_its_counts():
    kwargs = {"pg_url": PG_URL} if PG_URL else {}
    result = run_tally_bench(ENGINE, ballots=40, subjects=3, small=0, cards=8, **kwargs)
    assert result["ok"], result
    assert result["tally"]["app_marks"] == result["tally"]["plain_marks"] == result["marks"]
    assert result["close"]["ballots"] == 40 and result["close"]["old_ids_left"] == 0
    assert result["cards_pdf"]["pdf_bytes"] > 0


def test_step_costs_cover_every_step():
    result = step_costs(voters=3, subjects=3)
    assert {"healthz", "landing", "claim", "review", "cast", "thanks"} <= set(result["median_us"])
    assert result["requests_per_vote"] >= 5


def test_officer_jobs_run_and_answer_short_pages():
    from bench.officer import officer_costs, officer_table

    kwargs = {"pg_url": PG_URL} if PG_URL else {}
    result = officer_costs(ENGINE, repeats=1, cards=9, roster=12, voters=6, subjects=3, **kwargs)
    assert result["created_page_bytes"] < 20_000 and result["cards_pdf_bytes"] > 0
    assert result["roster_import_rows"] == 12
    assert all(result[k]["median"] > 0 for k in ("create_cards", "cards_pdf", "roster_import",
                                                 "roster_store", "close", "close_documents"))
    assert "create 9 cards" in officer_table(result)


def test_documents_benchmark_draws_both_pdfs():
    result = run_documents_bench(ENGINE, subjects=3, ballots=10, repeats=1,
                                 **({"pg_url": PG_URL} if PG_URL else {}))
    assert result["ok"] and result["subjects"] == 3
    for document in ("minutes", "summary"):
        figures = result[document]
        assert figures["pdf_bytes"] > 10_000 and figures["seconds"] > 0
        assert figures["cpu_seconds"] > 0
    assert "minutes s" in documents_table([result])
