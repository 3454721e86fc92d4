#!/usr/bin/env bash
# Runs a benchmark client against the real server on a private MariaDB with
# full durability (innodb_flush_log_at_trx_commit=1), then prints the server's
# peak RSS (VmHWM) and the CPU time of the server and of MariaDB. Run after
# deploy/build.sh, e.g.:
#   bash tests/bench/with_server.sh build/tests/import_bench --rows 1000000
#   bash tests/bench/with_server.sh build/tests/event_bench --clients 16
#   bash tests/bench/with_server.sh build/tests/callback_bench --dialers 16
# The client gets --target HOST:PORT added. SERVERS=N starts N servers on the
# one database instead (for clients that take --target HOST:PORT,HOST:PORT,...,
# like callback_bench). GALERA=N runs the database as a private Galera cluster
# of N nodes (deploy/galera-private.sh) instead, with as many servers, one on
# each node, unless SERVERS says otherwise. METRICS=off starts the servers
# without metrics (--metrics-listen ""), to measure what metrics cost.
# FLUSH_LOG_AT_TRX_COMMIT=2 runs the database(s) without an fsync per commit
# (the default, 1, is full durability on every node).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: $0 CLIENT [ARGS...]" >&2; exit 2; }
nodes=${GALERA:-0}
metrics=${METRICS:-on}
flush=${FLUSH_LOG_AT_TRX_COMMIT:-1}
servers=${SERVERS:-$((nodes > 0 ? nodes : 1))}
work=$(mktemp -d /tmp/satisfaction-bench.XXXXXX)
server_pids=()
scraper=
cleanup() {
  [ -n "$scraper" ] && kill "$scraper" 2>/dev/null
  for pid in "${server_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  if [ "$nodes" -gt 0 ]; then
    bash deploy/galera-private.sh stop "$work/galera" || true
  else
    bash deploy/mariadb-private.sh stop "$work/mariadb" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Calls carry the first admin key; its rate limit is lifted, as it is not what
# the benchmarks measure.
export SATISFACTION_API_KEY=$(openssl rand -hex 32)
if [ "$nodes" -gt 0 ]; then
  mapfile -t urls < <(MARIADB_FLUSH_LOG_AT_TRX_COMMIT=$flush bash deploy/galera-private.sh start "$work/galera" "$nodes" \
    2>/dev/null)
  db_pids() { cat "$work"/galera/node*/mariadb.pid; }
else
  urls=("$(MARIADB_FLUSH_LOG_AT_TRX_COMMIT=$flush bash deploy/mariadb-private.sh start "$work/mariadb" 2>/dev/null |
    tail -n 1)")
  db_pids() { cat "$work/mariadb/mariadb.pid"; }
fi
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
targets=
metrics_urls=()
for n in $(seq "$servers"); do
  url=${urls[$(((n - 1) % ${#urls[@]}))]}
  port=$(free_port)
  metrics_listen=
  if [ "$metrics" = on ]; then
    metrics_listen=127.0.0.1:$(free_port)
    metrics_urls+=("http://$metrics_listen/metrics")
  fi
  http_port=$(free_port)
  SATISFACTION_BOOTSTRAP_ADMIN_KEY=$SATISFACTION_API_KEY build/services/server/satisfaction-server --db "$url" \
    --grpc-listen "127.0.0.1:$port" --http-listen "127.0.0.1:$http_port" --metrics-listen "$metrics_listen" \
    --templates-dir templates \
    --db-pool-size 32 --log-level warn \
    --key-rate-limit 10000000 >"$work/server-$n.log" 2>&1 &
  server_pids+=($!)
  # A server on a fresh database migrates it first, waiting for the others.
  for attempt in $(seq 600); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
    if ! kill -0 "${server_pids[-1]}" 2>/dev/null || [ "$attempt" = 600 ]; then
      echo "server $n did not start; its log:" >&2
      cat "$work/server-$n.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  targets=${targets:+$targets,}127.0.0.1:$port
  [ "$n" = 1 ] && first_http_port=$http_port
done
for pid in "${server_pids[@]}"; do
  echo "server RSS at start: $(grep VmRSS /proc/"$pid"/status | awk '{print $2, $3}')"
done
# Benchmarks that seed rows directly (callback_bench) find the database here,
# and those that read pages (satisfaction_bench) the first server's HTTP face.
# The figures below are printed even when the client reports a failure.
# With metrics on, each server is scraped every second while the client runs,
# as a busy Prometheus would: the figures then include the scrapes' cost.
if [ "$metrics" = on ]; then
  (while true; do
    for metrics_url in "${metrics_urls[@]}"; do
      curl -sf -o /dev/null -w '%{time_total}\n' "$metrics_url" >>"$work/scrape-seconds" || true
    done
    sleep 1
  done) &
  scraper=$!
fi
status=0
SATISFACTION_BENCH_DB_URL="${urls[0]}" SATISFACTION_BENCH_HTTP_PORT=$first_http_port "$@" --target "$targets" ||
  status=$?
if [ -n "$scraper" ]; then kill "$scraper" 2>/dev/null; scraper=; fi
if [ "$metrics" = on ]; then
  echo "metrics: on, each server scraped every second ($(curl -sf "${metrics_urls[0]}" | wc -c) bytes a scrape)"
  # How long a scrape took under the load: it must not wait on the calls.
  sort -n "$work/scrape-seconds" | awk '{t[NR] = $1} END {if (NR) printf "scrapes under load: %d, median %.1f ms, slowest %.1f ms\n", NR, 1000 * t[int((NR + 1) / 2)], 1000 * t[NR]}'

else
  echo "metrics: off"
fi
ticks=$(getconf CLK_TCK)
for pid in "${server_pids[@]}"; do
  echo "server peak RSS (VmHWM): $(grep VmHWM /proc/"$pid"/status | awk '{print $2, $3}')," \
    "CPU seconds: $(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' /proc/"$pid"/stat)"
done
for pid in $(db_pids); do
  echo "MariaDB CPU seconds: $(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' /proc/"$pid"/stat)"
done
# Writes that lost to another node's at commit (certification), and local
# transactions aborted by another node's write being applied.
for node in $(seq "$nodes"); do
  echo "node $node:" $(mariadb --no-defaults --protocol=SOCKET --socket="$work/galera/node$node/mysqld.sock" \
    -u"$(id -un)" -N -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures',
    'wsrep_local_bf_aborts', 'wsrep_replicated', 'wsrep_flow_control_paused')" | tr '\t\n' '= ')
done
exit "$status"
