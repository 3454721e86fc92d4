#!/usr/bin/env bash
# The dialer flow against the real binary (SQLite), driven by a third-party
# client: Debian's python3-grpcio with stubs protoc compiles here from the
# project's .proto files.
set -euo pipefail
server_binary=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/stubs"
protoc -I "$repo/proto" --python_out="$work/stubs" --grpc_out="$work/stubs" \
  --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin "$repo"/proto/satisfaction/v1/*.proto

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$server_binary" --db "sqlite3://$work/s.db" --grpc-listen "127.0.0.1:$port" --http-listen "" \
  --templates-dir "" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q "serving gRPC" "$work/server.log" && break
  kill -0 "$server_pid" || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
/usr/bin/python3 "$repo/tests/client/dialer_client.py" --target "127.0.0.1:$port" --stubs "$work/stubs"
