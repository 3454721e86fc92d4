#!/usr/bin/env bash
# Starts, stops and breaks a private MariaDB Galera cluster for tests and
# benchmarks: NODES servers (default 3) under DIR/node1..DIR/nodeN, each with
# its own data folder, socket, log and ports, all on 127.0.0.1, never the system
# service and never /etc/mysql's configuration.
#
#   galera-private.sh start DIR [NODES]  creates the cluster (first time) or starts
#                                        every node that is down; waits until every
#                                        node is Synced, Primary and ready; prints
#                                        the nodes' URLs, one a line, in node order
#   galera-private.sh stop DIR           stops every node cleanly, the last node last
#   galera-private.sh kill DIR N         kill -9 of node N (a crash)
#   galera-private.sh restart DIR N      starts node N again after a stop or a crash
#                                        (--wsrep-recover, then IST); waits until Synced
#   galera-private.sh state DIR N        prints node N's wsrep_local_state_comment,
#                                        wsrep_cluster_status and wsrep_ready on one
#                                        line, separated by tabs (a state may hold
#                                        spaces), or "down" if it does not run; fails
#                                        while it runs without answering (during SST)
#   galera-private.sh bootstrap DIR N    after a loss of quorum, makes node N's
#                                        component primary (pc.bootstrap=YES)
#
# A first start installs node 1 alone and bootstraps it; the others then join
# one after the other by a full copy (SST with mariabackup, about 12 s each: the
# SST script sleeps 10 s before it sends). A later start bootstraps from the node
# that left last (or, after crashes, the one with the most writes) and the
# others catch up by IST, a copy of the writes they missed.
#
# Each node folder looks like a mariadb-private.sh folder (data, mysqld.sock,
# mariadb.pid, mariadb.log), so `mariadb-private.sh stop DIR/nodeK` stops a node
# too: deploy/test.sh's cleanup relies on that. Ports (SQL, group, IST, SST) are
# kept in DIR/nodeK/ports, so a restart keeps the URLs. The environment variable
# MARIADB_FLUSH_LOG_AT_TRX_COMMIT (default 2) sets InnoDB's durability, as for
# mariadb-private.sh.
#
# Only URLs and states go to stdout; everything else goes to stderr, and the
# servers hold neither, so callers may read stdout until end of file (popen).
set -euo pipefail
# Functions whose failure is tested (`f || status=$?`) run without set -e, so
# they check each step that may fail themselves.

readonly user=satisfaction
readonly password=satisfaction-test
readonly database=satisfaction
readonly provider=/usr/lib/galera/libgalera_smm.so
# Large enough for the writes a test or a benchmark makes while a node is down,
# so that it catches up by IST (a copy of the missed writesets), not a full SST.
readonly gcache_size=128M
# How long a node may take to become Synced; a first join copies the data (SST).
readonly ready_seconds=120
os_user=$(id -un)
readonly os_user
here=$(dirname "$(realpath "$0")")
readonly here

log() { echo "galera-private: $*" >&2; }

# shellcheck source=deploy/private-db-common.sh
source "$here/private-db-common.sh"

node_count() { cat "$1/nodes"; }

as_user() {  # the --user option mariadbd needs to run as root, if this is root
  if [ "$(id -u)" -eq 0 ]; then echo --user=root; fi
}

grastate() {  # grastate NODE_DIR FIELD: the field of the node's saved Galera state, if any
  [ -f "$1/data/grastate.dat" ] || return 0
  awk -v field="$2:" '$1 == field { print $2 }' "$1/data/grastate.dat"
}

write_config() {  # write_config DIR K: the node's my.cnf, from every node's ports
  local dir=$1 k=$2 node_dir="$1/node$2" addresses=() i sql group ist sst
  for ((i = 1; i <= $(node_count "$dir"); i++)); do
    read -r _ group _ _ <"$dir/node$i/ports" || return 1
    addresses+=("127.0.0.1:$group")
  done
  read -r sql group ist sst <"$node_dir/ports" || return 1
  # The SST script (wsrep_sst_mariabackup) reads this file too, through the
  # --defaults-file the server passes on; mariabackup logs in as root over the socket.
  cat >"$node_dir/my.cnf" <<CNF
# Written by deploy/galera-private.sh on every start; edits do not last.
[mysqld]
datadir=$node_dir/data
socket=$node_dir/mysqld.sock
pid-file=$node_dir/mariadb.pid
log-error=$node_dir/mariadb.log
tmpdir=$node_dir/tmp
port=$sql
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb-buffer-pool-size=256M
max-connections=500
# Galera needs row-based replication and interleaved auto-increment locks.
binlog_format=ROW
innodb_autoinc_lock_mode=2
default_storage_engine=InnoDB
wsrep_on=ON
# Writes from the other nodes applied in parallel, not one at a time (the
# default is one thread).
wsrep_slave_threads=4
wsrep_provider=$provider
wsrep_cluster_name=satisfaction-private
wsrep_cluster_address=gcomm://$(IFS=,; echo "${addresses[*]}")
wsrep_node_name=node$k
wsrep_node_address=127.0.0.1:$group
wsrep_node_incoming_address=127.0.0.1:$sql
wsrep_provider_options="base_host=127.0.0.1;base_port=$group;gmcast.listen_addr=tcp://127.0.0.1:$group;ist.recv_addr=127.0.0.1:$ist;gcache.size=$gcache_size"
# rsync fails as root: the joiner's rsync daemon runs as nobody.
wsrep_sst_method=mariabackup
wsrep_sst_receive_address=127.0.0.1:$sst

[sst]
# Not /tmp/sst_log_archive, the default: nothing outside DIR.
sst-log-archive-dir=$node_dir/sst-log-archive
CNF
}

# recover_position DIR K: prints the node's last committed position (uuid:seqno)
# as mariadbd --wsrep-recover finds it in InnoDB, for --wsrep_start_position.
recover_position() {
  local node_dir="$1/node$2" user_option position
  user_option=$(as_user)
  write_config "$1" "$2" || return 1
  rm -f "$node_dir/recover.log"
  if ! mariadbd --defaults-file="$node_dir/my.cnf" ${user_option:+"$user_option"} --wsrep-recover \
    --log-error="$node_dir/recover.log" </dev/null >/dev/null 2>&1; then
    log "node $2: mariadbd --wsrep-recover failed:"
    tail -n 40 "$node_dir/recover.log" >&2 || true
    return 1
  fi
  cat "$node_dir/recover.log" >>"$node_dir/mariadb.log"  # the node's whole story in one log
  position=$(sed -n 's/.*WSREP: Recovered position: *//p' "$node_dir/recover.log" | tail -n 1)
  if [ -z "$position" ]; then
    log "node $2: mariadbd --wsrep-recover found no position:"
    tail -n 40 "$node_dir/recover.log" >&2 || true
    return 1
  fi
  log "node $2: recovered position $position"
  echo "$position"
}

# launch DIR K [OPTIONS...]: starts the node's mariadbd with extra OPTIONS
# (--wsrep-new-cluster, --wsrep_start_position=...) and returns; fails with 2
# if it died at once because a port is taken. wait_ready waits for it.
launch() {
  local dir=$1 k=$2 node_dir="$1/node$2" user_option
  user_option=$(as_user)
  write_config "$dir" "$k" || return 1
  rm -f "$node_dir/mariadb.pid"
  # setsid and no inherited descriptors: the server outlives this script, must
  # not get the terminal's Ctrl-C, and must not keep a caller's pipe open.
  setsid mariadbd --defaults-file="$node_dir/my.cnf" ${user_option:+"$user_option"} \
    --innodb-flush-log-at-trx-commit="${MARIADB_FLUSH_LOG_AT_TRX_COMMIT:-2}" "${@:3}" \
    </dev/null >/dev/null 2>&1 &
  # $! is mariadbd itself: setsid does not fork when it is not a group leader.
  # mariadbd writes its pid file only after a full copy (SST), which takes
  # seconds: until then this one lets stop, and test.sh's cleanup, find it.
  echo $! >"$node_dir/mariadb.pid"
}

wsrep_status() {  # wsrep_status NODE_DIR: "comment<TAB>cluster status<TAB>ready<TAB>local state"
  client "$1" mariadb -N -B -e "SHOW STATUS WHERE Variable_name IN
    ('wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_ready', 'wsrep_local_state')" 2>/dev/null |
    awk -F'\t' '{ value[$1] = $2 } END {
      printf "%s\t%s\t%s\t%s\n", value["wsrep_local_state_comment"], value["wsrep_cluster_status"],
        value["wsrep_ready"], value["wsrep_local_state"] }'
}

# wait_ready DIR K: waits until node K is Synced (wsrep_local_state 4), Primary
# and wsrep_ready; a joining node answers SELECT 1 well before. Fails with 2 if
# it died because a port was taken, 1 if it died otherwise or took too long.
wait_ready() {
  local dir=$1 k=$2 node_dir="$1/node$2" pid status deadline=$((SECONDS + ready_seconds))
  pid=$(cat "$node_dir/mariadb.pid" 2>/dev/null || true)
  while true; do
    if status=$(wsrep_status "$node_dir") && [ "$status" = $'Synced\tPrimary\tON\t4' ]; then return 0; fi
    if [ -z "$pid" ] || ! alive "$pid"; then
      port_taken "$node_dir/mariadb.log" && return 2
      give_up "$node_dir/mariadb.log" "node $k exited while starting"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      give_up "$node_dir/mariadb.log" "node $k was not ready within $ready_seconds s (state: ${status:-no answer})"
      return 1
    fi
    sleep 0.2
  done
}

# start_node DIR K [OPTIONS...]: launches node K and waits until it is ready.
start_node() {
  local status=0
  log "starting node $2${3:+ (${*:3})}"
  launch "$@" || return 1
  wait_ready "$1" "$2" || status=$?
  return "$status"
}

# join_position DIR K: the --wsrep_start_position option node K needs, if any:
# after a crash its grastate.dat has no seqno (-1) and InnoDB holds the truth.
join_position() {
  local node_dir="$1/node$2" position
  [ -f "$node_dir/data/grastate.dat" ] || return 0  # no data yet: a full copy (SST)
  [ "$(grastate "$node_dir" seqno)" = -1 ] || return 0
  position=$(recover_position "$1" "$2") || return 1
  echo "--wsrep_start_position=$position"
}

# bootstrap_choice DIR: the node a stopped cluster starts from: the one that left
# last (safe_to_bootstrap: 1), else the one with the most writes, marked safe.
bootstrap_choice() {
  local dir=$1 k best=0 best_seqno=-2 seqno position
  for ((k = 1; k <= $(node_count "$dir"); k++)); do
    if [ "$(grastate "$dir/node$k" safe_to_bootstrap)" = 1 ]; then
      echo "$k"
      return 0
    fi
  done
  for ((k = 1; k <= $(node_count "$dir"); k++)); do
    [ -f "$dir/node$k/data/grastate.dat" ] || continue
    seqno=$(grastate "$dir/node$k" seqno)
    if [ "$seqno" = -1 ]; then
      position=$(recover_position "$dir" "$k") || return 1
      seqno=${position##*:}
      seqno=${seqno%%,*}  # a GTID may follow
    fi
    if [ "$seqno" -gt "$best_seqno" ]; then best=$k best_seqno=$seqno; fi
  done
  if [ "$best" -eq 0 ]; then
    echo 1  # a cluster that never ran: node 1 has the installed data
    return 0
  fi
  log "no node left last; node $best has the most writes (seqno $best_seqno): bootstrapping from it"
  sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$dir/node$best/data/grastate.dat"
  echo "$best"
}

create_layout() {  # create_layout DIR NODES: node folders with their ports
  local dir=$1 nodes=$2 k found ports
  found=$(free_ports $((nodes * 4))) || return 1
  read -r -a ports <<<"$found"
  for ((k = 1; k <= nodes; k++)); do
    mkdir -p "$dir/node$k/data" "$dir/node$k/tmp" || return 1
    echo "${ports[@]:$(((k - 1) * 4)):4}" >"$dir/node$k/ports" || return 1
  done
  echo "$nodes" >"$dir/nodes"  # last: its presence says the layout is whole
}

ensure_user() {  # ensure_user NODE_DIR: the test user and database, replicated to every node
  client "$1" mariadb <<SQL
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'localhost';
CREATE DATABASE IF NOT EXISTS $database CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
}

# start_cluster DIR NODES: fails with 2 when a port of a freshly made cluster
# was taken meanwhile (the caller then makes it again on other ports).
start_cluster() {
  local dir=$1 nodes=$2 k first=0 status option sql
  if [ ! -f "$dir/nodes" ]; then
    log "creating a $nodes-node cluster in $dir"
    rm -rf "$dir"/node*  # a half-made one from an interrupted run
    create_layout "$dir" "$nodes" || return 1
  elif [ "$(node_count "$dir")" != "$nodes" ]; then
    log "keeping the $(node_count "$dir") nodes of the existing cluster, not $nodes"
    nodes=$(node_count "$dir")
  fi
  if [ ! -d "$dir/node1/data/mysql" ] && [ ! -f "$dir/node1/data/grastate.dat" ]; then
    # Only node 1 is installed; the others get its data by SST when they join.
    rm -rf "$dir/node1/data"
    mariadb-install-db --no-defaults --datadir="$dir/node1/data" --tmpdir="$dir/node1/tmp" \
      --auth-root-authentication-method=socket \
      --skip-test-db --user="$os_user" >"$dir/node1/install.log" 2>&1 || {
      log "mariadb-install-db failed:"
      cat "$dir/node1/install.log" >&2
      return 1
    }
  fi

  for ((k = 1; k <= nodes; k++)); do
    if server_pid "$dir/node$k" >/dev/null; then first=$k; fi
  done
  if [ "$first" -eq 0 ]; then
    first=$(bootstrap_choice "$dir") || return 1
    option=$(join_position "$dir" "$first") || return 1
    status=0
    start_node "$dir" "$first" --wsrep-new-cluster ${option:+"$option"} || status=$?
    if [ "$status" -eq 2 ]; then log "a port of node $first is in use"; fi
    [ "$status" -eq 0 ] || return "$status"
  else
    wait_ready "$dir" "$first" || return 1
  fi
  # Idempotent, so a start that was interrupted before this point heals on the next one.
  ensure_user "$dir/node$first" || return 1

  # One after the other: each joiner takes a copy from a donor.
  for ((k = 1; k <= nodes; k++)); do
    [ "$k" -ne "$first" ] || continue
    if server_pid "$dir/node$k" >/dev/null; then
      wait_ready "$dir" "$k" || return 1
      continue
    fi
    option=$(join_position "$dir" "$k") || return 1
    status=0
    start_node "$dir" "$k" ${option:+"$option"} || status=$?
    if [ "$status" -eq 2 ]; then log "a port of node $k is in use"; fi
    [ "$status" -eq 0 ] || return "$status"
  done
  # A donor is Synced again only once its joiner has its copy.
  for ((k = 1; k <= nodes; k++)); do wait_ready "$dir" "$k" || return 1; done

  for ((k = 1; k <= nodes; k++)); do
    read -r sql _ _ _ <"$dir/node$k/ports"
    log "node $k on 127.0.0.1:$sql (socket $dir/node$k/mysqld.sock, log $dir/node$k/mariadb.log)"
    echo "mysql://$user:$password@127.0.0.1:$sql/$database"
  done
}

start() {
  local dir nodes=${2:-3} attempt status
  dir=$(realpath -m "$1")
  # A unix socket path (DIR/nodeK/mysqld.sock) must fit in 108 bytes (sun_path).
  if [ "${#dir}" -gt 85 ]; then log "folder path too long for a unix socket: $dir"; exit 1; fi
  if ! [[ "$nodes" =~ ^[1-9][0-9]?$ ]]; then log "NODES must be a number from 1 to 99, not $nodes"; exit 2; fi
  mkdir -p "$dir"
  local fresh=false
  [ -f "$dir/nodes" ] || fresh=true
  for attempt in 1 2 3; do
    status=0
    start_cluster "$dir" "$nodes" || status=$?
    # Only ports this script just picked may change: clients know stored ones.
    if [ "$status" -ne 2 ] || ! $fresh || [ "$attempt" -eq 3 ]; then break; fi
    log "a port was taken meanwhile; making the cluster again on other ports"
    stop "$dir"
    rm -rf "$dir"/node* "$dir/nodes"
  done
  [ "$status" -eq 0 ] || exit 1
}

stop_node() {  # stop_node DIR K: a clean shutdown, as mariadb-private.sh does it
  bash "$here/mariadb-private.sh" stop "$1/node$2"
}

stop() {
  local dir=$1 k nodes
  [ -f "$dir/nodes" ] || return 0
  nodes=$(node_count "$dir")
  # The node that leaves last is marked safe_to_bootstrap: the next start begins there.
  for ((k = 1; k <= nodes; k++)); do
    if server_pid "$dir/node$k" >/dev/null; then
      log "stopping node $k"
      stop_node "$dir" "$k"
    fi
  done
}

kill_node() {
  local node_dir="$1/node$2" pid deadline=$((SECONDS + 10))
  pid=$(server_pid "$node_dir") || { log "node $2 is not running"; return 0; }
  kill -KILL "$pid"
  while alive "$pid"; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "node $2 (pid $pid) outlived kill -9"; return 1; fi
    sleep 0.05
  done
  log "killed node $2 (pid $pid)"
}

restart_node() {
  local dir=$1 k=$2 position status=0 i others=0
  if server_pid "$dir/node$k" >/dev/null; then
    log "node $k is already running"
    wait_ready "$dir" "$k" || exit 1
    return 0
  fi
  for ((i = 1; i <= $(node_count "$dir"); i++)); do
    if [ "$i" -ne "$k" ] && server_pid "$dir/node$i" >/dev/null; then others=$((others + 1)); fi
  done
  if [ "$others" -eq 0 ]; then log "no other node runs for node $k to join: start the cluster instead"; exit 1; fi
  if [ -f "$dir/node$k/data/grastate.dat" ]; then
    position=$(recover_position "$dir" "$k") || exit 1
    start_node "$dir" "$k" --wsrep_start_position="$position" || status=$?
  else
    start_node "$dir" "$k" || status=$?  # it never had data: a full copy (SST)
  fi
  if [ "$status" -eq 2 ]; then log "a port of node $k is in use"; fi
  [ "$status" -eq 0 ] || exit 1
}

state() {
  local node_dir="$1/node$2" status
  if ! server_pid "$node_dir" >/dev/null; then
    echo down
    return 0
  fi
  if ! status=$(wsrep_status "$node_dir") || [ -z "${status//[[:space:]]/}" ]; then
    log "node $2 runs but does not answer over its socket (receiving a copy?)"
    exit 1
  fi
  cut -f1-3 <<<"$status"
}

bootstrap() {
  local dir=$1 k=$2
  server_pid "$dir/node$k" >/dev/null || { log "node $k is not running"; exit 1; }
  log "making node $k's component primary"
  client "$dir/node$k" mariadb -e "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'"
  wait_ready "$dir" "$k" || exit 1
}

# node_argument DIR N: checks that N names a node of the cluster in DIR.
node_argument() {
  if [ ! -f "$1/nodes" ]; then log "no cluster in $1"; exit 1; fi
  if ! [[ "$2" =~ ^[1-9][0-9]*$ ]] || [ "$2" -gt "$(node_count "$1")" ]; then
    log "no node $2 in $1 (nodes 1 to $(node_count "$1"))"
    exit 2
  fi
}

usage="usage: $0 start DIR [NODES] | stop DIR | kill DIR N | restart DIR N | state DIR N | bootstrap DIR N"
case "${1:-}" in
  start)
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then echo "$usage" >&2; exit 2; fi
    start "$2" "${3:-}"
    ;;
  stop)
    if [ $# -ne 2 ]; then echo "$usage" >&2; exit 2; fi
    stop "$(realpath -m "$2")"
    ;;
  kill | restart | state | bootstrap)
    if [ $# -ne 3 ]; then echo "$usage" >&2; exit 2; fi
    dir=$(realpath -m "$2")
    node_argument "$dir" "$3"
    case "$1" in
      kill) kill_node "$dir" "$3" ;;
      restart) restart_node "$dir" "$3" ;;
      state) state "$dir" "$3" ;;
      bootstrap) bootstrap "$dir" "$3" ;;
    esac
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
