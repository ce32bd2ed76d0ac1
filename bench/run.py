"""``python -m bench``: voters on real servers, scaling over workers, the tally and the close.

Every figure that depends on the machine is reported beside a reference measured in the same
run on the same server (``GET /healthz``, or the plain ``GROUP BY``), so the ratios hold on a
noisy, shared machine even when the absolute numbers do not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench.data import (
    DEFAULT_PG_URL,
    bench_app,
    fresh_database,
    open_election,
    postgres_available,
    verify,
)
from bench.load import (
    STEPS,
    fetch_page_assets,
    hammer_healthz,
    percentile,
    play_voters,
)
from bench.server import Server, Watcher

MB = 1024 * 1024


@dataclass(frozen=True)
class VoteConfig:
    voters: int = 480
    subjects: int = 45
    workers: int = 1
    #: ``None``: what ``survey serve`` chooses.
    threads: int | None = None
    #: Mean seconds spent on the ballot page (0: every voter submits at once, a saturation test).
    think: float = 0.0
    #: Voters arrive over this many seconds (0: all at once).
    arrival: float = 0.0
    healthz_seconds: float = 3.0
    assets: bool = True

    @property
    def scenario(self) -> str:
        """``saturation``: every voter at once, no pause; ``sitting``: arrivals and reading."""
        return "sitting" if self.think or self.arrival else "saturation"



def run_async(coroutine: Any) -> Any:
    """``asyncio.run``, also from a thread whose event loop is already running (a test that
    shares its process with Playwright's synchronous API): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

def _postgres_cpu(database: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving ``database``."""
    total = 0.0
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            cmdline = " ".join(p.info["cmdline"] or ())
            if cmdline.startswith("postgres:") and f" {database} " in cmdline:
                t = p.cpu_times()
                total += t.user + t.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def _warm_up(server: Server, election: Any) -> None:
    """Compile every template and open database connections in every worker before timing."""
    code = election.codes[0]
    run_async(hammer_healthz(server.url, connections=4, seconds=0.5))
    run_async(_claims(server.url, election.subject_ids, code, 8 * server.workers))


async def _claims(base: str, subject_ids: Any, code: str, n: int) -> None:
    """Open and review the ballot of ``code`` ``n`` times (neither spends the card)."""
    import aiohttp

    from bench.load import _CSRF

    async def one() -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.get(base + "/v") as r:
                token = _CSRF.search(await r.text()).group(1)
            async with http.post(base + "/v", data={"csrf_token": token, "code": code}) as r:
                token = _CSRF.search(await r.text()).group(1)
            form = {"csrf_token": token, "code": code, f"s{subject_ids[0]}": "high"}
            async with http.post(base + "/v/review", data=form) as r:
                await r.read()
            async with http.get(base + "/v/thanks") as r:
                await r.read()

    await asyncio.gather(*(one() for _ in range(n)))


@contextmanager
def _flame_graph(server: Server, path: Path | None) -> Iterator[None]:
    """``py-spy record --gil`` on the first worker while the block runs: an SVG flame graph of
    where the worker holds the interpreter (its CPU work), samples at 250 Hz. A path ending
    in ``.txt`` gets the collapsed stacks instead (a line per stack and its count), to diff."""
    if path is None:
        yield
        return
    worker = server.processes()[1].pid  # [0] is the gunicorn master
    spy = subprocess.Popen(
        [str(Path(sys.executable).with_name("py-spy")), "record", "--gil", "--nonblocking",
         "-r", "250", "-p", str(worker), "-o", str(path),
         *(["--format", "raw"] if path.suffix == ".txt" else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1)  # attached
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        _, err = spy.communicate(timeout=60)
        if spy.returncode:
            print(f"py-spy: {err.decode(errors='replace')[-500:]}", file=sys.stderr)


def vote_bench(engine: str, config: VoteConfig, *, workdir: Path,
               pg_url: str = DEFAULT_PG_URL, profile: Path | None = None) -> dict[str, Any]:
    """One server, one round: ``/healthz``, the voters, ``/healthz`` again, then the count."""
    with fresh_database(engine, workdir, pg_url) as db:
        app = bench_app(db.url)
        election = open_election(app, voters=config.voters, subjects=config.subjects)
        instance = workdir / f"instance-{engine}-{config.workers}"
        with Server(db.url, instance, workers=config.workers, threads=config.threads) as server:
            _warm_up(server, election)
            connections = min(config.voters, 512)
            healthz = []
            with Watcher(server) as health_watch:
                healthz.append(run_async(hammer_healthz(
                    server.url, connections=connections, seconds=config.healthz_seconds)))
            database = app.extensions["survey.engine"].url.database
            pg_cpu = _postgres_cpu(database) if engine == "postgresql" else 0.0
            with _flame_graph(server, profile), Watcher(server) as vote_watch:
                run = run_async(play_voters(
                    server.url, election.subject_ids, election.codes, think=config.think,
                    arrival=config.arrival, assets=config.assets))
            pg_cpu = _postgres_cpu(database) - pg_cpu if engine == "postgresql" else 0.0
            healthz.append(run_async(hammer_healthz(
                server.url, connections=connections, seconds=config.healthz_seconds)))
            assets, fonts, foreign = run_async(fetch_page_assets(server.url, run.ballot_html))
            server_log = server.log()
        check = verify(app, election, run.confirmed)
        app.extensions["survey.engine"].dispose()

    best = max(healthz, key=lambda h: h.per_second)
    requests_per_vote = run.requests_per_vote
    bound = best.per_second / requests_per_vote if requests_per_vote else 0.0
    health_requests = healthz[0].requests + healthz[0].errors
    ballot_html_bytes = run.first_voter_bytes.get("claim", 0)
    return {
        "engine": engine,
        "scenario": config.scenario,
        "config": config.__dict__,
        "ballots": len(run.confirmed),
        "wall_seconds": run.wall,
        "ballots_per_second": run.ballots_per_second,
        "requests": run.requests,
        "requests_per_vote": requests_per_vote,
        "healthz_per_second": [h.per_second for h in healthz],
        "healthz_errors": sum(h.errors for h in healthz),
        "bound_ballots_per_second": bound,
        "ratio_to_bound": run.ballots_per_second / bound if bound else 0.0,
        "latency_ms": {
            step: {
                "n": len(run.latencies[step]),
                "p50": 1000 * percentile(run.latencies[step], 50),
                "p95": 1000 * percentile(run.latencies[step], 95),
                "p99": 1000 * percentile(run.latencies[step], 99),
                "max": 1000 * max(run.latencies[step], default=0.0),
            }
            for step in STEPS
        },
        "errors": {f"{step}: {reason}": n for (step, reason), n in run.errors.items()},
        "check": {
            "ballots": check.ballots,
            "distinct_ballot_ids": check.distinct_ballot_ids,
            "used_cards": check.used_cards,
            "confirmed_casts": check.confirmed,
            "lost": check.lost,
            "duplicated": check.duplicated,
            "marks_differing": len(check.mark_difference),
            "ok": check.ok,
        },
        "server": {
            "peak_rss_mb": vote_watch.usage.peak_rss / MB,
            "peak_pss_mb": vote_watch.usage.peak_pss / MB,
            "cpu_ms_per_vote": 1000 * vote_watch.usage.cpu_seconds / max(1, len(run.confirmed)),
            "cpu_ms_per_healthz": 1000 * health_watch.usage.cpu_seconds / max(1, health_requests),
            "cpu_utilisation": vote_watch.usage.cpu_seconds / run.wall if run.wall else 0.0,
            "postgres_cpu_ms_per_vote": 1000 * pg_cpu / max(1, len(run.confirmed)),
            "errors_logged": server_log.count("[ERROR]") + server_log.count("Traceback"),
        },
        "client": {
            "cpu_utilisation": run.client_cpu / run.wall if run.wall else 0.0,
            "healthz_cpu_utilisation": healthz[0].client_cpu / healthz[0].wall,
        },
        "page": {
            "ballot_html_bytes": ballot_html_bytes,
            "assets_bytes": assets,
            "total_bytes": ballot_html_bytes + sum(assets.values()),
            "declared_fonts_not_counted": fonts,
            "foreign_references": foreign,
            "flow_bytes_per_voter": sum(run.first_voter_bytes.values()),
        },
    }


# -- reporting ------------------------------------------------------------------------------------


def _vote_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "engine      scenario    workers  voters x subj  ballots/s  healthz/s  bound/s  ratio  "
        "errors  lost  dup  peak RSS  cpu ms/vote  cpu ms/healthz",
    ]
    for r in results:
        c = r["config"]
        lines.append(
            f"{r['engine']:<11} {r['scenario']:<11} {c['workers']:>7}"
            f"  {c['voters']:>6} x {c['subjects']:<4}"
            f" {r['ballots_per_second']:>9.1f}  {max(r['healthz_per_second']):>9.0f}"
            f"  {r['bound_ballots_per_second']:>7.1f}  {r['ratio_to_bound']:>5.0%}"
            f"  {sum(r['errors'].values()):>6}  {r['check']['lost']:>4}"
            f"  {r['check']['duplicated']:>3}  {r['server']['peak_rss_mb']:>6.0f}MB"
            f"  {r['server']['cpu_ms_per_vote']:>11.1f}  {r['server']['cpu_ms_per_healthz']:>14.2f}"
        )
    lines.append("")
    lines.append("latency ms (p50 / p95 / p99) per step:")
    lines.append(f"{'engine':<11} {'scenario':<11} {'workers':>7}  "
                 + "".join(f"{s:>20}" for s in STEPS))
    for r in results:
        cells = "".join(
            "{:>20}".format(" / ".join(f"{v[p]:.0f}" for p in ("p50", "p95", "p99")))
            for v in r["latency_ms"].values()
        )
        lines.append(f"{r['engine']:<11} {r['scenario']:<11} {r['config']['workers']:>7}  {cells}")
    for r in results:
        if r["errors"]:
            lines.append(f"errors ({r['engine']}, {r['config']['workers']} workers): {r['errors']}")
        if not r["check"]["ok"]:
            lines.append(f"DATABASE CHECK FAILED ({r['engine']}): {r['check']}")
    page = results[0]["page"] if results else None
    if page:
        lines.append("")
        lines.append(
            f"ballot page ({results[0]['config']['subjects']} subjects): "
            f"{page['ballot_html_bytes'] / 1024:.1f} KB HTML + "
            f"{sum(page['assets_bytes'].values()) / 1024:.1f} KB assets "
            f"{sorted(page['assets_bytes'])} = {page['total_bytes'] / 1024:.1f} KB "
            f"(fonts declared, fetched only if used: {len(page['declared_fonts_not_counted'])}); "
            f"references to other hosts: {len(page['foreign_references'])}; "
            f"whole flow per voter: {page['flow_bytes_per_voter'] / 1024:.1f} KB"
        )
    return "\n".join(lines)


def _engines(requested: list[str], pg_url: str) -> list[str]:
    engines = []
    for engine in requested:
        if engine == "postgresql" and (why := postgres_available(pg_url)):
            print(f"PostgreSQL skipped ({why}); set --pg-url", file=sys.stderr)
            continue
        engines.append(engine)
    return engines


def _write_json(path: Path | None, data: Any) -> None:
    if path:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def cmd_vote(args: argparse.Namespace) -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as tmp:
        for engine in _engines(args.engines, args.pg_url):
            workers = 1 if engine == "sqlite" else args.pg_workers
            configs = [VoteConfig(voters=args.voters, subjects=args.subjects, workers=workers,
                                  threads=args.threads, healthz_seconds=args.healthz_seconds,
                                  assets=not args.no_assets)]
            if engine in args.sitting:
                configs.append(VoteConfig(
                    voters=args.voters, subjects=args.subjects, workers=workers,
                    threads=args.threads, think=args.think, arrival=args.arrival,
                    healthz_seconds=args.healthz_seconds, assets=not args.no_assets))
            for config in configs:
                profile = (args.profile.with_name(
                    f"{args.profile.stem}-{engine}-{config.scenario}{args.profile.suffix}")
                    if args.profile else None)
                results.append(vote_bench(engine, config, workdir=Path(tmp), pg_url=args.pg_url,
                                          profile=profile))
                print(_vote_table(results[-1:]), flush=True)
                print(flush=True)
    if len(results) > 1:
        print(_vote_table(results))
    _write_json(args.json, results)
    return 0 if results and all(_clean(r) for r in results) else 1


def cmd_scale(args: argparse.Namespace) -> int:
    results = []
    if why := postgres_available(args.pg_url):
        print(f"PostgreSQL unavailable: {why}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as tmp:
        for workers in args.workers:
            config = VoteConfig(voters=args.voters, subjects=args.subjects, workers=workers,
                                threads=args.threads, healthz_seconds=args.healthz_seconds)
            results.append(vote_bench("postgresql", config, workdir=Path(tmp),
                                      pg_url=args.pg_url))
            print(_vote_table(results[-1:]), flush=True)
            print(flush=True)
    print(_vote_table(results))
    _write_json(args.json, results)
    return 0 if all(_clean(r) for r in results) else 1


def _clean(result: dict[str, Any]) -> bool:
    return result["check"]["ok"] and not result["errors"] and not result["healthz_errors"]


def cmd_tally(args: argparse.Namespace) -> int:
    from bench.tally import run_tally_bench, tally_table

    results = []
    for engine in _engines(args.engines, args.pg_url):
        results.append(run_tally_bench(engine, ballots=args.ballots, subjects=args.subjects,
                                       pg_url=args.pg_url, small=args.small))
        print(tally_table(results[-1:]), flush=True)
    if len(results) > 1:
        print(tally_table(results))
    _write_json(args.json, results)
    return 0 if results and all(r["ok"] for r in results) else 1


def cmd_steps(args: argparse.Namespace) -> int:
    from bench.steps import step_costs, steps_table

    result = step_costs(args.voters, args.subjects, args.engine, args.pg_url)
    print(steps_table(result))
    _write_json(args.json, result)
    return 0


def cmd_officer(args: argparse.Namespace) -> int:
    from bench.officer import officer_costs, officer_table

    results = [officer_costs(engine, args.pg_url, repeats=args.repeats) for engine in args.engines
               if engine == "sqlite" or not _pg_skipped(args.pg_url)]
    for result in results:
        print(officer_table(result))
    _write_json(args.json, results)
    return 0


def _pg_skipped(pg_url: str) -> bool:
    reason = postgres_available(pg_url)
    if reason:
        print(f"PostgreSQL skipped: {reason}", file=sys.stderr)
    return reason is not None


def cmd_documents(args: argparse.Namespace) -> int:
    from bench.documents import documents_table, run_documents_bench

    results = [run_documents_bench(engine, subjects=args.subjects, ballots=args.ballots,
                                   repeats=args.repeats, pg_url=args.pg_url)
               for engine in _engines(args.engines, args.pg_url)]
    print(documents_table(results))
    _write_json(args.json, results)
    return 0 if results and all(r["ok"] for r in results) else 1


COMMANDS = ("vote", "scale", "tally", "steps", "officer", "documents")


def main(argv: list[str] | None = None) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database for the benchmark (a schema is made per run)")
    common.add_argument("--json", type=Path, help="also write every figure to this file")
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__,
        epilog="Without a command, runs 'vote' with its defaults (the National Assembly case).")
    sub = parser.add_subparsers(dest="command")

    def vote_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--voters", type=int, default=480)
        p.add_argument("--subjects", type=int, default=45)
        p.add_argument("--threads", type=int, default=None,
                       help="threads per worker (default: what survey serve chooses)")
        p.add_argument("--healthz-seconds", type=float, default=3.0)

    vote = sub.add_parser("vote", parents=[common],
                          help="voters through the phone flow (the default command)")
    vote_options(vote)
    vote.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"],
                      choices=["sqlite", "postgresql"])
    vote.add_argument("--pg-workers", type=int, default=2,
                      help="worker processes on PostgreSQL (SQLite always runs one)")
    vote.add_argument("--sitting", nargs="*", default=["sqlite"],
                      choices=["sqlite", "postgresql"],
                      help="engines that also run the sitting (arrivals, reading time); "
                           "none with an empty list")
    vote.add_argument("--think", type=float, default=10.0,
                      help="sitting: mean seconds a voter spends on the ballot")
    vote.add_argument("--arrival", type=float, default=20.0,
                      help="sitting: voters open their ballots spread over this many seconds")
    vote.add_argument("--profile", type=Path, metavar="SVG",
                      help="write a py-spy flame graph of a worker during each run "
                           "(SVG-engine-scenario.svg)")
    vote.add_argument("--no-assets", action="store_true",
                      help="phones with the style sheet and script already cached")
    vote.set_defaults(func=cmd_vote)

    scale = sub.add_parser("scale", parents=[common],
                           help="casting throughput on PostgreSQL over worker counts")
    vote_options(scale)
    scale.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    scale.set_defaults(func=cmd_scale)

    tally = sub.add_parser("tally", parents=[common],
                           help="the tally of a million marks, the close, the PDFs")
    tally.add_argument("--ballots", type=int, default=20_000)
    tally.add_argument("--subjects", type=int, default=50)
    tally.add_argument("--small", type=int, default=2_000,
                       help="also measure memory at this many ballots, to show it stays flat")
    tally.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"],
                       choices=["sqlite", "postgresql"])
    tally.set_defaults(func=cmd_tally)

    steps = sub.add_parser("steps", parents=[common],
                           help="what each step of a vote costs, in-process, in healthz units")
    steps.add_argument("--voters", type=int, default=200)
    steps.add_argument("--subjects", type=int, default=45)
    steps.add_argument("--engine", default="sqlite", choices=["sqlite", "postgresql"])
    steps.set_defaults(func=cmd_steps)

    officer = sub.add_parser("officer", parents=[common],
                             help="the officer's jobs: 600 cards and their PDF, a roster of "
                                  "1,200, the close of 480 x 45 with its documents")
    officer.add_argument("--repeats", type=int, default=5)
    officer.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"],
                         choices=["sqlite", "postgresql"])
    officer.set_defaults(func=cmd_officer)
    documents = sub.add_parser("documents", parents=[common],
                               help="the minutes and the summary PDFs of a 50-subject round")
    documents.add_argument("--subjects", type=int, default=50)
    documents.add_argument("--ballots", type=int, default=500)
    documents.add_argument("--repeats", type=int, default=5)
    documents.add_argument("--engines", nargs="+", default=["sqlite"],
                           choices=["sqlite", "postgresql"])
    documents.set_defaults(func=cmd_documents)

    argv = sys.argv[1:] if argv is None else list(argv)
    if not any(a in (*COMMANDS, "-h", "--help") for a in argv):
        argv = ["vote", *argv]
    args = parser.parse_args(argv)
    started = time.perf_counter()
    status = args.func(args)
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    sys.exit(status)
