"""What each step of a vote costs the app, in units of ``GET /healthz``, without a server.

The app runs in this process (Flask's test client, no gunicorn, no network), on an SQLite file,
and every step is timed in turn for each voter, so the machine's noise falls on all steps alike.
The figure is CPU time per request; the ratio to ``/healthz`` says how much heavier a step is
than the lightest request the app can answer. This is where the vote's budget goes.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.data import bench_app, fresh_database, open_election
from bench.load import local_assets

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def step_costs(voters: int = 200, subjects: int = 45, engine: str = "sqlite",
               pg_url: str | None = None) -> dict[str, Any]:
    """Median CPU microseconds per request for each step, and per whole vote."""
    kwargs = {"pg_url": pg_url} if pg_url else {}
    with tempfile.TemporaryDirectory(prefix="survey-steps-") as tmp, \
            fresh_database(engine, Path(tmp), **kwargs) as db:
        app = bench_app(db.url)
        election = open_election(app, voters=voters + 1, subjects=subjects)
        samples: dict[str, list[float]] = {}

        def timed(step: str, client: Any, path: str, data: dict | None = None) -> Any:
            started = time.process_time()
            response = client.post(path, data=data) if data is not None else client.get(path)
            response.close()
            samples.setdefault(step, []).append(time.process_time() - started)
            return response

        for i, code in enumerate(election.codes[:voters]):
            client = app.test_client()
            timed("healthz", client, "/healthz")
            page = timed("landing", client, "/v").text
            seen: set[str] = set()
            for path in local_assets(page):
                seen.add(path)
                timed("asset", client, path)
            token = _CSRF.search(page).group(1)
            page = timed("claim", client, "/v", {"csrf_token": token, "code": code}).text
            for path in set(local_assets(page)) - seen:
                seen.add(path)
                timed("asset", client, path)
            form = {"csrf_token": _CSRF.search(page).group(1), "code": code}
            form |= {f"s{s}": ("high", "confidence", "low")[(i + s) % 3]
                     for s in election.subject_ids}
            page = timed("review", client, "/v/review", form).text
            form["csrf_token"] = _CSRF.search(page).group(1)
            response = timed("cast", client, "/v/cast", form)
            assert response.status_code == 303, response.status_code
            timed("thanks", client, "/v/thanks")
        app.extensions["survey.engine"].dispose()
    medians = {step: statistics.median(values) for step, values in samples.items()}
    per_vote = {step: medians[step] * len(samples[step]) / voters for step in medians}
    health = medians["healthz"]
    requests = sum(len(v) for k, v in samples.items() if k != "healthz") / voters
    vote = sum(v for k, v in per_vote.items() if k != "healthz")
    return {
        "voters": voters,
        "subjects": subjects,
        "engine": engine,
        "median_us": {k: 1e6 * v for k, v in medians.items()},
        "per_vote_us": {k: 1e6 * v for k, v in per_vote.items() if k != "healthz"},
        "in_healthz": {k: v / health for k, v in medians.items()},
        "requests_per_vote": requests,
        "vote_us": 1e6 * vote,
        #: The share of the /healthz bound the app could reach if only its own work counted.
        "ceiling_ratio": requests * health / vote,
    }


def steps_table(result: dict[str, Any]) -> str:
    lines = [f"in-process cost per request ({result['engine']}, {result['subjects']} subjects, "
             f"median of {result['voters']} voters):",
             f"{'step':<9} {'us':>8} {'x healthz':>10} {'us per vote':>12}"]
    for step, us in result["median_us"].items():
        per_vote = result["per_vote_us"].get(step, us)
        lines.append(f"{step:<9} {us:>8.0f} {result['in_healthz'][step]:>10.1f} {per_vote:>12.0f}")
    lines.append(f"one vote: {result['vote_us'] / 1000:.2f} ms in {result['requests_per_vote']:.0f}"
                 f" requests = {result['vote_us'] / result['median_us']['healthz']:.0f} healthz;"
                 f" best possible share of the healthz bound: {result['ceiling_ratio']:.0%}")
    return "\n".join(lines)
