#!/usr/bin/env bash
# The dialer flow against the real binary (SQLite), driven by a third-party
# client: Debian's python3-grpcio with stubs protoc compiles here from the
# project's .proto files.
set -euo pipefail
server_binary=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/tests/client/real_server.sh"
compile_python_stubs "$repo"

start_real_server "$server_binary" ""
/usr/bin/python3 "$repo/tests/client/dialer_client.py" --target "127.0.0.1:$port" --stubs "$work/stubs" \
  --admin-key "$admin_key"
if grep -qF -e "$admin_key" -e "+8613700137000" "$work/server.log"; then
  echo "the server's log shows a key or a customer's phone number"; exit 1
fi
