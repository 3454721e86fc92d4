#include "services/access/access_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"
#include "services/common/text_checks.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::access {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kMaxRateLimit = 10'000'000;

absl::Status ValidateKeySpec(const v1::ApiKey& key) {
  if (absl::Status s = CheckRequiredText("api_key.display_name", key.display_name(), 100, LineBreaks::kForbidden);
      !s.ok()) {
    return s;
  }
  if (!v1::Role_IsValid(key.role()) || key.role() == v1::ROLE_UNSPECIFIED) {
    return FieldError("api_key.role", "must be admin, operator, dialer, gateway or analyst");
  }
  bool bound = !key.queue().empty() || !key.agent_id().empty();
  if (bound && key.role() != v1::ROLE_DIALER) return FieldError("api_key.queue", "only dialer keys are bound");
  if (!key.queue().empty()) {
    if (absl::Status s = customers::ValidateId("api_key.queue", key.queue(), 64); !s.ok()) return s;
  }
  if (!key.agent_id().empty()) {
    if (absl::Status s = customers::ValidateId("api_key.agent_id", key.agent_id(), 64); !s.ok()) return s;
  }
  if (key.rate_limit_per_minute() < 0 || key.rate_limit_per_minute() > kMaxRateLimit) {
    return FieldError("api_key.rate_limit_per_minute", absl::StrCat("must be from 0 to ", kMaxRateLimit));
  }
  return absl::OkStatus();
}

absl::Status ValidateKeyId(absl::string_view field, absl::string_view id) {
  bool hex = id.size() == 16 &&
             std::all_of(id.begin(), id.end(), [](char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'); });
  return hex ? absl::OkStatus() : FieldError(field, "must be a key id: 16 hex digits");
}

absl::StatusOr<absl::Time> OptionalTime(absl::string_view field, bool present, const google::protobuf::Timestamp& time,
                                        absl::Time absent) {
  if (!present) return absent;
  if (absl::Status s = CheckTimestamp(field, time); !s.ok()) return s;
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(time));
}

}  // namespace

absl::StatusOr<v1::CreateApiKeyResponse> AccessService::CreateApiKey(const access::Caller& caller,
                                                                     const v1::CreateApiKeyRequest& request) {
  v1::CreateApiKeyResponse response;
  if (!request.has_api_key()) return FieldError("api_key", "required");
  if (absl::Status s = ValidateKeySpec(request.api_key()); !s.ok()) return s;
  absl::StatusOr<ApiKeyStore::Created> created = keys_.Create(request.api_key(), caller.key_id, absl::Now());
  if (!created.ok()) return created.status();
  *response.mutable_api_key() = std::move(created->api_key);
  response.set_key(std::move(created->key));
  return response;
}

absl::StatusOr<v1::ListApiKeysResponse> AccessService::ListApiKeys(const access::Caller& /*caller*/,
                                                                   const v1::ListApiKeysRequest& request) {
  v1::ListApiKeysResponse response;
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), 100, 500);
  if (!page_size.ok()) return page_size.status();
  std::string filter = absl::StrCat("revoked=", request.show_revoked());
  long long after_created_us = 0;
  std::string after_id;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    std::pair<std::string, std::string> parts = absl::StrSplit(cursor->after_key, absl::MaxSplits(':', 1));
    if (!absl::SimpleAtoi(parts.first, &after_created_us) || !ValidateKeyId("page_token", parts.second).ok()) {
      return FieldError("page_token", "not a token this service issued");
    }
    after_id = parts.second;
  }
  absl::StatusOr<ApiKeyStore::ListPage> page =
      keys_.List(request.show_revoked(), after_created_us, after_id, *page_size);
  if (!page.ok()) return page.status();
  for (v1::ApiKey& key : page->api_keys) *response.add_api_keys() = std::move(key);
  if (page->has_more) {
    const v1::ApiKey& last = response.api_keys(response.api_keys_size() - 1);
    std::string after = absl::StrCat(TimeUtil::TimestampToMicroseconds(last.create_time()), ":", last.id());
    response.set_next_page_token(EncodePageToken({.filter = filter, .after_key = after}));
  }
  return response;
}

absl::StatusOr<v1::ApiKey> AccessService::RevokeApiKey(const access::Caller& /*caller*/,
                                                       const v1::RevokeApiKeyRequest& request) {
  if (absl::Status s = ValidateKeyId("id", request.id()); !s.ok()) return s;
  absl::StatusOr<v1::ApiKey> revoked = keys_.Revoke(request.id(), absl::Now());
  if (revoked.ok()) authenticator_.Forget(revoked->id());
  return revoked;
}

absl::StatusOr<v1::ListAuditEventsResponse> AccessService::ListAuditEvents(const access::Caller& /*caller*/,
                                                                           const v1::ListAuditEventsRequest& request) {
  v1::ListAuditEventsResponse response;
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), 100, 1000);
  if (!page_size.ok()) return page_size.status();
  AuditLog::Query query{.key_id = request.key_id(), .method = request.method(), .limit = *page_size};
  if (!query.key_id.empty()) {
    if (absl::Status s = ValidateKeyId("key_id", query.key_id); !s.ok()) return s;
  }
  if (absl::Status s = CheckText("method", query.method, 128, LineBreaks::kForbidden); !s.ok()) {
    return s;
  }
  absl::StatusOr<absl::Time> start =
      OptionalTime("start_time", request.has_start_time(), request.start_time(), absl::InfinitePast());
  if (!start.ok()) return start.status();
  absl::StatusOr<absl::Time> end =
      OptionalTime("end_time", request.has_end_time(), request.end_time(), absl::InfiniteFuture());
  if (!end.ok()) return end.status();
  if (*end <= *start) return FieldError("end_time", "must be after start_time");
  query.start = *start;
  query.end = *end;
  std::string filter = absl::StrCat("key=", query.key_id, ";method=", query.method,
                                    ";start=", absl::FormatTime(query.start), ";end=", absl::FormatTime(query.end));
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    if (!absl::SimpleAtoi(cursor->after_key, &query.before_id) || query.before_id <= 0) {
      return FieldError("page_token", "not a token this service issued");
    }
  }
  absl::StatusOr<AuditLog::Page> page = audit_log_.List(query);
  if (!page.ok()) return page.status();
  for (v1::AuditEvent& event : page->events) *response.add_events() = std::move(event);
  if (page->has_more) {
    std::string last_id = response.events(response.events_size() - 1).id();
    response.set_next_page_token(EncodePageToken({.filter = filter, .after_key = last_id}));
  }
  return response;
}

}  // namespace satisfaction::access
