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
set -euo pipefail

readonly user=satisfaction
readonly password=satisfaction-test
readonly database=satisfaction

log() { echo "mariadb-private: $*" >&2; }

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {  # running DIR: is the server of DIR alive?
  [ -f "$1/mariadb.pid" ] && kill -0 "$(cat "$1/mariadb.pid")" 2>/dev/null
}

admin() {  # admin DIR ARGS...: mariadb-admin as root over DIR's socket
  mariadb-admin --no-defaults --protocol=SOCKET --socket="$1/mysqld.sock" -uroot "${@:2}"
}

start() {
  local dir port
  mkdir -p "$1"
  dir=$(cd "$1" && pwd)
  # A unix socket path must fit in 108 bytes.
  if [ "${#dir}" -gt 90 ]; then log "folder path too long for a unix socket: $dir"; exit 1; fi
  if [ -f "$dir/port" ]; then
    port=$(cat "$dir/port")
  else
    port=${2:-$(free_port)}
    echo "$port" >"$dir/port"
  fi

  local fresh=false
  if [ ! -d "$dir/data/mysql" ]; then
    fresh=true
    log "creating a data folder in $dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=socket \
      --skip-test-db --user="$(id -un)" >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
  fi

  if running "$dir"; then
    log "already running on port $port"
  else
    local as_user=()
    [ "$(id -u)" -eq 0 ] && as_user=(--user=root)  # mariadbd refuses to run as root unless told
    mariadbd --no-defaults "${as_user[@]}" \
      --datadir="$dir/data" --socket="$dir/mysqld.sock" --pid-file="$dir/mariadb.pid" \
      --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
      --log-error="$dir/mariadb.log" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size=256M --max-connections=500 \
      --innodb-flush-log-at-trx-commit="${MARIADB_FLUSH_LOG_AT_TRX_COMMIT:-2}" \
      >/dev/null 2>&1 &
    local waited=0
    until admin "$dir" ping >/dev/null 2>&1; do
      sleep 0.2
      waited=$((waited + 1))
      if [ "$waited" -gt 300 ]; then
        log "MariaDB did not start within 60 s; its log:"
        tail -n 40 "$dir/mariadb.log" >&2 || true
        exit 1
      fi
    done
  fi

  if $fresh; then
    mariadb --no-defaults --protocol=SOCKET --socket="$dir/mysqld.sock" -uroot <<SQL
CREATE USER '$user'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER '$user'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'localhost';
CREATE DATABASE $database CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
  fi
  log "running on 127.0.0.1:$port (socket $dir/mysqld.sock, log $dir/mariadb.log)"
  echo "mysql://$user:$password@127.0.0.1:$port/$database"
}

stop() {
  local dir=$1
  running "$dir" || return 0
  local pid
  pid=$(cat "$dir/mariadb.pid")
  admin "$dir" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "MariaDB did not stop within 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) [ $# -ge 2 ] || { echo "usage: $0 start DIR [PORT]" >&2; exit 2; }; start "$2" "${3:-}" ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
