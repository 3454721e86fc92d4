#!/usr/bin/env bash
# Management's dashboard in a real headless browser (Debian's chromium, driven
# by python3-selenium through chromium-driver): the real binary on SQLite,
# surveys seeded and answered through gRPC as a shop and a gateway would, then
# an analyst signing in and reading the figures the test computed, switching
# range and language, downloading the CSV and signing out; an operator key
# refused. Screenshots 360 and 1280 pixels wide go to ARTIFACT_DIR.
#   dashboard_browser_test.sh SERVER_BINARY ARTIFACT_DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SERVER_BINARY ARTIFACT_DIR" >&2; exit 2; }
server_binary=$1
mkdir -p "$2"
artifacts=$(cd "$2" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/tests/client/real_server.sh"
compile_python_stubs "$repo"

http_port=$(free_port)
start_real_server "$server_binary" "$repo/templates" "$http_port"
/usr/bin/python3 "$repo/tests/client/dashboard_browser.py" --target "127.0.0.1:$port" \
  --http "http://127.0.0.1:$http_port" --stubs "$work/stubs" --profile "$work/chromium" \
  --downloads "$work/downloads" --artifacts "$artifacts" --key "$admin_key"
