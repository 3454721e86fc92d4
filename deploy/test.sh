#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, starts a private MariaDB on
# loopback in a temporary folder, runs the whole suite against SQLite and that
# MariaDB, and stops the database again, whatever happens. Exits with ctest's
# status. Extra ctest arguments can be passed in CTEST_ARGS; BUILD_DIR (default
# build) picks the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build_dir=${BUILD_DIR:-build}
bash deploy/install-deps.sh --test
bash deploy/build.sh "$build_dir"

work=$(mktemp -d -t satisfaction-test.XXXXXX)
cleanup() {
  # Every private MariaDB under $work: the suite's, and any a crashed or
  # timed-out test left behind in its own temporary folder (each node of a
  # galera-private.sh cluster has a folder of this shape too).
  local pid_file
  while IFS= read -r pid_file; do
    bash "$repo/deploy/mariadb-private.sh" stop "$(dirname "$pid_file")" || true
  done < <(find "$work" -name mariadb.pid 2>/dev/null)
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! url=$(bash deploy/mariadb-private.sh start "$work/mariadb"); then
  echo "test: the private MariaDB did not start; the end of its log:" >&2
  tail -n 40 "$work/mariadb/mariadb.log" >&2 2>/dev/null || true
  exit 1
fi
export SATISFACTION_TEST_MYSQL_URL=${url##*$'\n'}
export SATISFACTION_REPO_ROOT=$repo
# Tests' own temporary folders (and MariaDB servers) go under $work, so the
# cleanup above finds them.
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp

# shellcheck disable=SC2086  # CTEST_ARGS is a list of arguments
ctest --test-dir "$build_dir" --output-on-failure -j 2 ${CTEST_ARGS:-}
