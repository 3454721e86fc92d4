#!/usr/bin/env bash
# Runs a benchmark client against the real server on a private MariaDB with
# full durability (innodb_flush_log_at_trx_commit=1), then prints the server's
# peak RSS (VmHWM) and the CPU time of the server and of MariaDB. Run after
# deploy/build.sh, e.g.:
#   bash tests/bench/with_server.sh build/tests/import_bench --rows 1000000
#   bash tests/bench/with_server.sh build/tests/event_bench --clients 16
#   bash tests/bench/with_server.sh build/tests/callback_bench --dialers 16
# The client gets --target HOST:PORT added.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: $0 CLIENT [ARGS...]" >&2; exit 2; }
work=$(mktemp -d /tmp/satisfaction-bench.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  bash deploy/mariadb-private.sh stop "$work/mariadb" || true
  rm -rf "$work"
}
trap cleanup EXIT

url=$(MARIADB_FLUSH_LOG_AT_TRX_COMMIT=1 bash deploy/mariadb-private.sh start "$work/mariadb" 2>/dev/null | tail -n 1)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
build/services/server/satisfaction-server --db "$url" --grpc-listen "127.0.0.1:$port" --http-listen "" \
  --templates-dir templates --db-pool-size 32 --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
echo "server RSS at start: $(grep VmRSS /proc/$server_pid/status | awk '{print $2, $3}')"
# Benchmarks that seed rows directly (callback_bench) find the database here.
SATISFACTION_BENCH_DB_URL="$url" "$@" --target "127.0.0.1:$port"
ticks=$(getconf CLK_TCK)
echo "server peak RSS (VmHWM): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
echo "CPU seconds: server $(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' /proc/$server_pid/stat)," \
  "MariaDB $(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' /proc/"$(cat "$work/mariadb/mariadb.pid")"/stat)"
