#!/usr/bin/env bash
# The dialer flow of dialer_client_test.sh through one channel over two servers
# of one MariaDB database (a fresh one on the test MariaDB,
# $SATISFACTION_TEST_MYSQL_URL): round robin with client-side health checking,
# as a deployment with several servers is called. Every call must pass, and
# each server must have answered some.
set -euo pipefail
server_binary=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
base=${SATISFACTION_TEST_MYSQL_URL:?run the tests with deploy/test.sh, which starts a private MariaDB}
# mysql://USER:PASSWORD@HOST:PORT/DATABASE, as deploy/mariadb-private.sh prints it.
if [[ ! $base =~ ^mysql://([^:]+):([^@]*)@([^:/]+):([0-9]+)/ ]]; then
  echo "SATISFACTION_TEST_MYSQL_URL: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE"; exit 1
fi
sql=(mariadb --user="${BASH_REMATCH[1]}" --password="${BASH_REMATCH[2]}" --host="${BASH_REMATCH[3]}"
     --port="${BASH_REMATCH[4]}")
database=t_spread_$(openssl rand -hex 6)
real_server_db="mysql://${BASH_REMATCH[1]}:${BASH_REMATCH[2]}@${BASH_REMATCH[3]}:${BASH_REMATCH[4]}/$database"

source "$repo/tests/client/real_server.sh"
trap 'stop_real_server; "${sql[@]}" -e "DROP DATABASE IF EXISTS $database" || true' EXIT
"${sql[@]}" -e "CREATE DATABASE $database CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
compile_python_stubs "$repo"

start_real_server "$server_binary" ""
start_real_server "$server_binary" ""
/usr/bin/python3 "$repo/tests/client/dialer_client.py" --target "127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}" \
  --stubs "$work/stubs" --admin-key "$admin_key"
for log in "$work/server.log" "$work/server-2.log"; do
  if ! grep -q "rpc method=/satisfaction.v1" "$log"; then
    echo "$(basename "$log"): this server answered no call"; cat "$log"; exit 1
  fi
done
