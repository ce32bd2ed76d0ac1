#!/usr/bin/env bash
# Install the test extra and run the whole suite: lint and type-check, the coverage of the pure
# tally, build the offline bundle and install it with the network cut off (see "Packaging"
# below), then every test on SQLite, then every test again on PostgreSQL.
#
# Coverage: tests/tally alone (no app, no database) must cover at least 95% of the lines of
# survey/tally, the package that turns counts into the published figures and recounts ballot
# files; the lines no test reaches are printed, and below 95% the script fails.
#
# PostgreSQL: set SURVEY_TEST_DATABASE_URL to use a database of your own; otherwise, as root on
# a Debian machine, the local cluster is installed if needed, started, and a test database is
# created, with the pageinspect extension and the page readers of scripts/pageinspect.sql that
# the purge tests need (in a database of your own, run that file once as a superuser; without
# it those tests are skipped, except under CI). Where that is impossible the PostgreSQL run is skipped with a message saying so,
# except under CI (CI=true), where it is a failure.
#
# Browser tests (tests/browser, marker "browser"): Playwright drives Debian's Chromium at
# /usr/bin/chromium; no browser is ever downloaded. As root on Debian, Chromium is installed if
# missing. Without it the browser tests are skipped with a message saying so, except under CI,
# where it is a failure. They run in the SQLite pass only: they test what people see and do on
# the pages, which does not depend on the database, while every database behaviour is tested
# again on PostgreSQL by the rest of the suite; running them twice would add their time for
# nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
# The pinned versions: the same the offline bundle ships (constraints.txt), and the tools'.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]' \
    -c constraints.txt -c constraints-dev.txt

say() { printf '\n== %s\n' "$*"; }

CHROMIUM=/usr/bin/chromium

ensure_chromium() {
    [ -x "$CHROMIUM" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing Chromium for the browser tests (Debian package chromium)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
            || echo "apt-get could not install chromium" >&2
    fi
    [ -x "$CHROMIUM" ]
}

BROWSER=()  # pytest arguments that leave the browser tests out, when they cannot run
if ! ensure_chromium; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: Chromium is not at $CHROMIUM (apt-get install chromium), and CI must run the browser tests." >&2
        exit 1
    fi
    say "SKIPPED: the browser tests (tests/browser): no Chromium at $CHROMIUM; install it with 'apt-get install chromium'."
    BROWSER=(-m "not browser")
fi

start_postgres() {
    [ "$(id -u)" = 0 ] || return 1
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        say "Installing PostgreSQL (Debian package postgresql)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    command -v pg_ctlcluster >/dev/null 2>&1 || return 1
    local version
    version=$(pg_lsclusters --no-header | awk 'NR==1 {print $1}')
    [ -n "$version" ] || return 1
    pg_ctlcluster "$version" main start 2>/dev/null || pg_ctlcluster "$version" main status >/dev/null
    for _ in $(seq 30); do
        su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='survey_test'\"" | grep -q 1 \
        || su postgres -c "psql -qc \"CREATE ROLE survey_test LOGIN PASSWORD 'survey_test'\""
    su postgres -c "psql -qc 'DROP DATABASE IF EXISTS survey_test'" >/dev/null
    su postgres -c "psql -qc 'CREATE DATABASE survey_test OWNER survey_test'"
    # pageinspect and its two wrappers for the test role: the purge tests read raw pages
    su postgres -c "psql -q -v ON_ERROR_STOP=1 -d survey_test -f -" < scripts/pageinspect.sql
    export SURVEY_TEST_DATABASE_URL="postgresql+psycopg://survey_test:survey_test@127.0.0.1:5432/survey_test"
}

say "Lint (ruff)"
.venv/bin/ruff check survey tests scripts

say "Types (mypy)"
.venv/bin/mypy

# Packaging, once for both passes: the offline bundle is built (its wheel is the project's), then
# installed into a fresh virtual environment inside a network namespace of its own, where the
# installed server must answer /healthz, /login and /v. tests/test_packaging.py then checks the
# bundle and drives that installed server through a login and a vote, on each engine. Needs the
# package index (to download the wheels) and root (for unshare -n). SURVEY_TEST_PACKAGING=0
# leaves it out, except under CI.
packaging() {
    if [ "${SURVEY_TEST_PACKAGING:-1}" = 0 ]; then
        return 1
    fi
    say "Packaging: the offline bundle (scripts/bundle.py)"
    rm -rf dist/survey-*-offline dist/survey-*-offline.zip dist/offline-venv
    .venv/bin/python scripts/bundle.py --out dist || return 1
    local bundle
    bundle=$(ls -d dist/survey-*-offline)
    say "Packaging: install from the bundle with the network cut off, then serve"
    if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
        echo "unshare -n is not possible here (it needs root)" >&2
        return 1
    fi
    unshare -n .venv/bin/python scripts/offline_check.py "$bundle" dist/offline-venv || return 1
    export SURVEY_TEST_BUNDLE="$PWD/$bundle" SURVEY_TEST_INSTALLED="$PWD/dist/offline-venv"
}
if ! packaging; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: the offline bundle could not be built, installed without a network or served, and CI must check it." >&2
        exit 1
    fi
    say "SKIPPED: the packaging checks (bundle, offline install, installed server); tests/test_packaging.py skips its tests that need them."
fi

say "Coverage of survey/tally by tests/tally alone (at least 95%)"
env -u SURVEY_TEST_DATABASE_URL .venv/bin/pytest -q tests/tally \
    --cov=survey.tally --cov-report=term-missing --cov-fail-under=95

WORKERS=${SURVEY_TEST_WORKERS:-auto}

say "Test suite on SQLite"
env -u SURVEY_TEST_DATABASE_URL .venv/bin/pytest -q -n "$WORKERS" ${BROWSER[@]+"${BROWSER[@]}"} "$@"

if [ -z "${SURVEY_TEST_DATABASE_URL:-}" ] && ! start_postgres; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: PostgreSQL could not be started, and CI must test on it." >&2
        exit 1
    fi
    say "SKIPPED: the PostgreSQL run (no SURVEY_TEST_DATABASE_URL and no local cluster to start)."
    exit 0
fi

say "Test suite on PostgreSQL (without the browser tests: see the top of this file)"
status=0
.venv/bin/pytest -q -n "$WORKERS" -m "not browser" "$@" || status=$?
if [ "$status" = 5 ]; then  # the arguments chose browser tests only: they ran on SQLite
    say "No test left for the PostgreSQL run with these arguments (browser tests run on SQLite only)."
elif [ "$status" != 0 ]; then
    exit "$status"
fi
