#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, starts a private MariaDB on
# loopback in a temporary folder, runs the whole suite against SQLite and that
# MariaDB, and stops the database again, whatever happens. Exits non-zero on
# any failure. Extra ctest arguments can be passed in CTEST_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bash deploy/install-deps.sh --test
bash deploy/build.sh

work=$(mktemp -d /tmp/satisfaction-test.XXXXXX)
cleanup() {
  bash "$repo/deploy/mariadb-private.sh" stop "$work/mariadb" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SATISFACTION_TEST_MYSQL_URL=$(bash deploy/mariadb-private.sh start "$work/mariadb" | tail -n 1)
export SATISFACTION_TEST_MYSQL_URL
export SATISFACTION_REPO_ROOT=$repo

# shellcheck disable=SC2086  # CTEST_ARGS is a list of arguments
ctest --test-dir build --output-on-failure -j 2 ${CTEST_ARGS:-}
