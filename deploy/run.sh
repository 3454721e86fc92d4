#!/usr/bin/env bash
# Installs what is missing, builds, and runs satisfaction-server on the embedded
# SQLite database in ./var/, gRPC on 127.0.0.1:50051 and HTTP on 127.0.0.1:8080,
# with the standard questionnaires from templates/. The SATISFACTION_*
# variables and any arguments (flags, which win) change that; see --help.
# BUILD_DIR (default build) picks the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
bash deploy/install-deps.sh
bash deploy/build.sh "$build_dir"
mkdir -p var

# The first admin key: SATISFACTION_BOOTSTRAP_ADMIN_KEY if set, else one made
# on the first run and kept in var/ where only this user can read it. The
# server uses it only while the database has no API keys at all.
if [ -z "${SATISFACTION_BOOTSTRAP_ADMIN_KEY:-}" ]; then
  key_file=var/bootstrap-admin-key
  [ -s "$key_file" ] || (umask 077 && openssl rand -hex 32 >"$key_file")
  SATISFACTION_BOOTSTRAP_ADMIN_KEY=$(cat "$key_file")
fi
export SATISFACTION_BOOTSTRAP_ADMIN_KEY

grpc_listen=${SATISFACTION_GRPC_LISTEN:-127.0.0.1:50051}
http_listen=${SATISFACTION_HTTP_LISTEN-127.0.0.1:8080}
cat >&2 <<MSG

satisfaction-server is starting (Ctrl-C stops it):
  gRPC  $grpc_listen   reflection on; health: grpc.health.v1.Health
  HTTP  ${http_listen:-off}   the survey page; GET /healthz
Admin API key (send it as 'authorization: Bearer <key>'; it is created on the
first start of a database, and AccessService makes keys for everyone else):
  $SATISFACTION_BOOTSTRAP_ADMIN_KEY
Try:
  export SATISFACTION_API_KEY=$SATISFACTION_BOOTSTRAP_ADMIN_KEY
  /usr/bin/python3 tests/client/reflection_client.py list --target $grpc_listen
  /usr/bin/python3 tests/client/reflection_client.py call satisfaction.v1.QuestionnaireService/ListQuestionnaires '{}' --target $grpc_listen
(the client needs: apt-get install python3-grpcio python3-protobuf grpc-proto)

MSG
exec "$build_dir/services/server/satisfaction-server" \
  --db "${SATISFACTION_DB:-sqlite3://var/satisfaction.db}" \
  --grpc-listen "$grpc_listen" \
  --http-listen "$http_listen" \
  --templates-dir "${SATISFACTION_TEMPLATES_DIR:-templates}" \
  "$@"
