# Sourced by the client tests: runs the real binary on SQLite in a temporary
# folder, on a free loopback port, and stops it and removes the folder on exit.
#   start_real_server BINARY TEMPLATES_DIR [HTTP_PORT]   (sets $work and $port)
#   compile_python_stubs REPO   (the gRPC stubs of REPO/proto in $work/stubs)
#   free_port                   (prints a free loopback port)
# With HTTP_PORT, the HTTP face listens there and survey links point to it.
# The server's first admin key is $admin_key. With $real_server_db set to a
# database URL, the server uses that database instead; each call starts one
# more server (logging to $work/server.log, then server-2.log, ...), and
# $ports lists every server's port.
work=$(mktemp -d)
admin_key=$(openssl rand -hex 32)
server_pids=()
ports=()
stop_real_server() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" || true
  done
  rm -rf "$work"
}
trap stop_real_server EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The Python clients' stubs, compiled from the .proto files by protoc.
compile_python_stubs() {
  mkdir "$work/stubs"
  protoc -I "$1/proto" --python_out="$work/stubs" --grpc_out="$work/stubs" \
    --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin "$1"/proto/satisfaction/v1/*.proto
}

start_real_server() {
  port=$(free_port)
  local http=() log="$work/server.log"
  [ ${#server_pids[@]} -gt 0 ] && log="$work/server-$((${#server_pids[@]} + 1)).log"
  [ -n "${3:-}" ] && http=(--http-listen "127.0.0.1:$3" --public-url "http://127.0.0.1:$3") || http=(--http-listen "")
  SATISFACTION_BOOTSTRAP_ADMIN_KEY=$admin_key "$1" --db "${real_server_db:-sqlite3://$work/s.db}" \
    --grpc-listen "127.0.0.1:$port" "${http[@]}" --metrics-listen 127.0.0.1:0 --templates-dir "$2" >"$log" 2>&1 &
  local pid=$!
  server_pids+=("$pid")
  ports+=("$port")
  # Up to 30 s: a first start on MariaDB creates the schema.
  for _ in $(seq 300); do
    grep -q "serving gRPC" "$log" && return 0
    kill -0 "$pid" || { cat "$log"; exit 1; }
    sleep 0.1
  done
  echo "the server did not start within 30 s"; cat "$log"; exit 1
}
