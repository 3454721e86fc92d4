#!/usr/bin/env bash
# A customer answers the survey page in a real headless browser (Debian's
# chromium, driven by python3-selenium through chromium-driver): the real
# binary on SQLite, a survey link fetched from the outbox as a gateway would,
# the page opened, answered by tapping the scale and typing a comment,
# submitted, and the response found in the database.
set -euo pipefail
server_binary=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/tests/client/real_server.sh"
compile_python_stubs "$repo"

http_port=$(free_port)
start_real_server "$server_binary" "$repo/templates" "$http_port"
/usr/bin/python3 "$repo/tests/client/survey_browser.py" --target "127.0.0.1:$port" --stubs "$work/stubs" \
  --db "$work/s.db" --profile "$work/chromium" --key "$admin_key"
