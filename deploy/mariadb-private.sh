#!/usr/bin/env bash
# Starts or stops a private MariaDB server for tests and local runs: its own
# data folder under DIR, listening only on 127.0.0.1 and a unix socket in DIR,
# never the system service and never /etc/mysql's configuration.
#
#   mariadb-private.sh start DIR [PORT]   prints the URL for --db as its last line
#   mariadb-private.sh stop DIR
#
# start on an existing DIR starts the same data again on the same port, which is
# how tests simulate an outage and a recovery. The environment variable
# MARIADB_FLUSH_LOG_AT_TRX_COMMIT (default 2, fast for tests) sets InnoDB's
# durability; benchmarks pass 1 for full durability.
#
# Only the URL goes to stdout; everything else goes to stderr, and the server
# itself holds neither, so callers may read stdout until end of file (popen).
set -euo pipefail

readonly user=satisfaction
readonly password=satisfaction-test
readonly database=satisfaction
# The OS user running this script: mariadb-install-db's socket authentication
# lets it (and root) in as a MariaDB administrator without a password.
os_user=$(id -un)
readonly os_user

log() { echo "mariadb-private: $*" >&2; }

# shellcheck source=deploy/private-db-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/private-db-common.sh"

# launch DIR PORT: starts mariadbd and waits until it answers (exit 1 if it
# does not within 60 s, 2 if it died because the port is taken).
launch() {
  local dir=$1 port=$2 as_user=()
  [ "$(id -u)" -eq 0 ] && as_user=(--user=root)  # mariadbd refuses to run as root unless told
  rm -f "$dir/mariadb.pid"
  # setsid and no inherited descriptors: the server outlives this script, must
  # not get the terminal's Ctrl-C, and must not keep a caller's pipe open.
  setsid mariadbd --no-defaults "${as_user[@]}" \
    --datadir="$dir/data" --socket="$dir/mysqld.sock" --pid-file="$dir/mariadb.pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --log-error="$dir/mariadb.log" --tmpdir="$dir/tmp" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=256M --max-connections=500 \
    --innodb-flush-log-at-trx-commit="${MARIADB_FLUSH_LOG_AT_TRX_COMMIT:-2}" \
    </dev/null >/dev/null 2>&1 &
  local launched=$!
  local deadline=$((SECONDS + 60))
  until client "$dir" mariadb-admin ping >/dev/null 2>&1; do
    # $! is mariadbd itself: setsid does not fork when it is not a group leader.
    if ! alive "$launched"; then
      # Died early: say why instead of waiting out the deadline.
      port_taken "$dir/mariadb.log" && return 2
      give_up "$dir/mariadb.log" "MariaDB exited while starting"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      give_up "$dir/mariadb.log" "MariaDB did not answer within 60 s"
      return 1
    fi
    sleep 0.1
  done
}

start() {
  local dir port chosen=false
  dir=$(realpath -m "$1")
  # A unix socket path must fit in 108 bytes (sun_path).
  if [ "${#dir}" -gt 90 ]; then log "folder path too long for a unix socket: $dir"; exit 1; fi
  mkdir -p "$dir/tmp"

  if [ -f "$dir/port" ]; then
    port=$(cat "$dir/port")  # a restart keeps the port the clients know
    [ -z "${2:-}" ] || [ "$2" = "$port" ] || log "keeping port $port of the existing server, not $2"
  elif [ -n "${2:-}" ]; then
    port=$2
  else
    port=$(free_ports 1)
    chosen=true
  fi

  if [ ! -d "$dir/data/mysql" ]; then
    log "creating a data folder in $dir/data"
    rm -rf "$dir/data"  # a half-made one from an interrupted run
    mariadb-install-db --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" \
      --auth-root-authentication-method=socket \
      --skip-test-db --user="$os_user" >"$dir/install.log" 2>&1 || {
      log "mariadb-install-db failed:"
      cat "$dir/install.log" >&2
      exit 1
    }
  fi

  if server_pid "$dir" >/dev/null; then
    log "already running on port $port"
  else
    local attempt status
    for attempt in 1 2 3; do
      status=0
      launch "$dir" "$port" || status=$?
      # Only a port this script picked may change: clients know a given or stored one.
      if [ "$status" -ne 2 ] || ! $chosen || [ "$attempt" -eq 3 ]; then break; fi
      log "port $port was taken meanwhile; trying another"
      port=$(free_ports 1)
    done
    if [ "$status" -eq 2 ]; then log "port $port is in use"; exit 1; fi
    [ "$status" -eq 0 ] || exit 1
  fi
  echo "$port" >"$dir/port"

  # Idempotent, so a start that was interrupted before this point heals on the next one.
  client "$dir" mariadb <<SQL
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'localhost';
CREATE DATABASE IF NOT EXISTS $database CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
  log "running on 127.0.0.1:$port (socket $dir/mysqld.sock, log $dir/mariadb.log)"
  echo "mysql://$user:$password@127.0.0.1:$port/$database"
}

stop() {
  local dir=$1 pid
  pid=$(server_pid "$dir") || return 0
  # A clean shutdown over the socket (the SQL statement: mariadb-admin shutdown
  # would add a second of polling), else SIGTERM, which shuts down just as cleanly.
  client "$dir" mariadb -e SHUTDOWN >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while alive "$pid"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "MariaDB did not stop within 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      # It cannot clean up: drop what would make the next start think it still runs.
      rm -f "$dir/mariadb.pid" "$dir/mysqld.sock" "$dir/mysqld.sock.lock"
      break
    fi
    sleep 0.05
  done
}

case "${1:-}" in
  start)
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then echo "usage: $0 start DIR [PORT]" >&2; exit 2; fi
    start "$2" "${3:-}"
    ;;
  stop)
    if [ $# -ne 2 ]; then echo "usage: $0 stop DIR" >&2; exit 2; fi
    stop "$2"
    ;;
  *) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
