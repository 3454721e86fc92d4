#!/usr/bin/env bash
# The server as operators run it (the real binary, SQLite, the standard
# templates), driven by a client that knows nothing but server reflection.
set -euo pipefail
server_binary=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
client=(/usr/bin/python3 "$repo/tests/client/reflection_client.py")
source "$repo/tests/client/real_server.sh"
start_real_server "$server_binary" "$repo/templates"
target=(--target "127.0.0.1:$port" --key "$admin_key")

expect() {  # expect WHAT TEXT: fail unless TEXT contains WHAT
  if ! grep -qF -- "$1" <<<"$2"; then
    echo "expected to find: $1"; echo "in: $2"; exit 1
  fi
}

services=$("${client[@]}" list "${target[@]}")
expect "satisfaction.v1.QuestionnaireService" "$services"
expect "grpc.health.v1.Health" "$services"
expect "grpc.reflection.v1alpha.ServerReflection" "$services"

methods=$("${client[@]}" describe satisfaction.v1.QuestionnaireService "${target[@]}")
expect "ListQuestionnaires(satisfaction.v1.ListQuestionnairesRequest)" "$methods"

listed=$("${client[@]}" call satisfaction.v1.QuestionnaireService/ListQuestionnaires '{"state": "QUESTIONNAIRE_STATE_PUBLISHED"}' "${target[@]}")
expect '"id": "post-delivery"' "$listed"

created=$("${client[@]}" call satisfaction.v1.QuestionnaireService/CreateQuestionnaire '{
  "questionnaireId": "reflection-demo",
  "questionnaire": {
    "title": {"zhCn": "回访满意度", "en": "Revisit satisfaction"},
    "items": [{"code": "overall", "kind": "ITEM_KIND_SCALE", "text": {"zhCn": "您对本次服务满意吗？"},
               "dimension": "DIMENSION_OVERALL", "required": true}]
  }}' "${target[@]}")
expect '"state": "QUESTIONNAIRE_STATE_DRAFT"' "$created"

published=$("${client[@]}" call satisfaction.v1.QuestionnaireService/PublishQuestionnaire '{"id": "reflection-demo"}' "${target[@]}")
expect '"state": "QUESTIONNAIRE_STATE_PUBLISHED"' "$published"

read_back=$("${client[@]}" call satisfaction.v1.QuestionnaireService/GetQuestionnaire '{"id": "reflection-demo"}' "${target[@]}")
expect '"zhCn": "您对本次服务满意吗？"' "$read_back"
expect '"非常满意"' "$read_back"

if error=$("${client[@]}" call satisfaction.v1.QuestionnaireService/GetQuestionnaire '{"id": "no-such"}' "${target[@]}" 2>&1); then
  echo "expected NOT_FOUND"; exit 1
fi
expect "NOT_FOUND" "$error"

# Reflection needs no key; calls do.
services=$("${client[@]}" list --target "127.0.0.1:$port")
expect "satisfaction.v1.AccessService" "$services"
if error=$("${client[@]}" call satisfaction.v1.QuestionnaireService/ListQuestionnaires '{}' --target "127.0.0.1:$port" 2>&1); then
  echo "expected UNAUTHENTICATED"; exit 1
fi
expect "UNAUTHENTICATED" "$error"
echo "reflection client: list, describe, create, publish, get, an error and a call without a key all as expected"
