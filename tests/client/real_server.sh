# Sourced by the client tests: runs the real binary on SQLite in a temporary
# folder, on a free loopback port, and stops it and removes the folder on exit.
#   start_real_server BINARY TEMPLATES_DIR [HTTP_PORT]   (sets $work and $port)
# With HTTP_PORT, the HTTP face listens there and survey links point to it.
# The server's first admin key is $admin_key.
work=$(mktemp -d)
admin_key=$(openssl rand -hex 32)
server_pid=
stop_real_server() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  rm -rf "$work"
}
trap stop_real_server EXIT

start_real_server() {
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local http=()
  [ -n "${3:-}" ] && http=(--http-listen "127.0.0.1:$3" --public-url "http://127.0.0.1:$3") || http=(--http-listen "")
  SATISFACTION_BOOTSTRAP_ADMIN_KEY=$admin_key "$1" --db "sqlite3://$work/s.db" --grpc-listen "127.0.0.1:$port" "${http[@]}" \
    --templates-dir "$2" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "serving gRPC" "$work/server.log" && return 0
    kill -0 "$server_pid" || { cat "$work/server.log"; exit 1; }
    sleep 0.1
  done
}
