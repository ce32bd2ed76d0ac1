#!/usr/bin/env bash
# Install the test extra and run the whole suite: lint, then every test on SQLite, then every
# test again on PostgreSQL.
#
# PostgreSQL: set SURVEY_TEST_DATABASE_URL to use a database of your own; otherwise, as root on
# a Debian machine, the local cluster is installed if needed, started, and a test database is
# created. Where that is impossible the PostgreSQL run is skipped with a message saying so,
# except under CI (CI=true), where it is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

say() { printf '\n== %s\n' "$*"; }

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
    export SURVEY_TEST_DATABASE_URL="postgresql+psycopg://survey_test:survey_test@127.0.0.1:5432/survey_test"
}

say "Lint (ruff)"
.venv/bin/ruff check survey tests

WORKERS=${SURVEY_TEST_WORKERS:-auto}

say "Test suite on SQLite"
env -u SURVEY_TEST_DATABASE_URL .venv/bin/pytest -q -n "$WORKERS" "$@"

if [ -z "${SURVEY_TEST_DATABASE_URL:-}" ] && ! start_postgres; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: PostgreSQL could not be started, and CI must test on it." >&2
        exit 1
    fi
    say "SKIPPED: the PostgreSQL run (no SURVEY_TEST_DATABASE_URL and no local cluster to start)."
    exit 0
fi

say "Test suite on PostgreSQL"
.venv/bin/pytest -q -n "$WORKERS" "$@"
