#ifndef SATISFACTION_SERVICES_SETTINGS_SETTINGS_DOCUMENT_H_
#define SATISFACTION_SERVICES_SETTINGS_SETTINGS_DOCUMENT_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/field_checks.h"
#include "services/common/text_limits.h"
#include "services/settings/settings_rows.h"
#include "services/storage/database.h"

namespace satisfaction::settings {

// An operator settings document (a proto message with `etag` and
// `update_time` fields) stored in one row, and the form the stores use it in.
// Every server reads the row's version in each transaction that needs the
// settings and parses the document again only when it changed, so an update
// on one server is in force on all of them from their next transaction on.
template <typename Message, typename Parsed>
class SettingsDocument {
 public:
  // Checks a complete document and converts it: INVALID_ARGUMENT naming the
  // field as the update request spells it.
  using Parse = absl::StatusOr<Parsed> (*)(const Message&);

  struct Snapshot {
    Message message;  // with its etag and update time
    Parsed parsed;
    long long version = 0;
  };

  SettingsDocument(storage::Database& database, std::string name, Message defaults, Parse parse)
      : database_(database), name_(std::move(name)), defaults_(std::move(defaults)), parse_(parse) {}

  // The settings in force for the transaction `tx`.
  absl::StatusOr<std::shared_ptr<const Snapshot>> InForce(storage::Transaction& tx) {
    absl::StatusOr<long long> version = ReadSettingsVersion(tx, name_);
    if (!version.ok()) return version.status();
    return InForceAt(tx, *version);
  }

  // The same, for a caller that read the row's version itself (in a query it
  // makes anyway, saving a round trip).
  absl::StatusOr<std::shared_ptr<const Snapshot>> InForceAt(storage::Transaction& tx, long long version) {
    {
      absl::MutexLock lock(&mutex_);
      if (cached_ != nullptr && cached_->version == version) return cached_;
    }
    absl::StatusOr<SettingsRow> row = ReadSettingsRow(tx, name_, /*for_update=*/false);
    if (!row.ok()) return row.status();
    absl::StatusOr<std::shared_ptr<const Snapshot>> snapshot = Load(*row);
    if (!snapshot.ok()) return snapshot.status();
    absl::MutexLock lock(&mutex_);
    if (cached_ == nullptr || cached_->version < (*snapshot)->version) cached_ = *snapshot;
    return snapshot;
  }

  absl::StatusOr<Message> Get() {
    return database_.InTransaction<Message>(storage::Access::kRead,
                                            [&](storage::Transaction& tx) -> absl::StatusOr<Message> {
                                              absl::StatusOr<std::shared_ptr<const Snapshot>> current = InForce(tx);
                                              if (!current.ok()) return current.status();
                                              return (*current)->message;
                                            });
  }

  // Replaces the fields `mask` names (all when it is empty or "*") with those
  // of `update`. ABORTED if `update` carries an etag other than the stored
  // one; INVALID_ARGUMENT for an unknown path or a document that does not
  // check out. Returns the stored document.
  absl::StatusOr<Message> Update(const Message& update, const google::protobuf::FieldMask& mask, absl::Time now) {
    bool replace_all = mask.paths_size() == 0 || (mask.paths_size() == 1 && mask.paths(0) == "*");
    if (!replace_all) {
      for (const std::string& path : mask.paths()) {
        if (path == "etag" || path == "update_time") {
          return FieldError("update_mask", absl::StrCat(Quote(path), " cannot be updated"));
        }
        if (!google::protobuf::util::FieldMaskUtil::GetFieldDescriptors(Message::descriptor(), path, nullptr)) {
          return FieldError("update_mask", absl::StrCat("unknown path ", Quote(path)));
        }
      }
    }
    return database_.InTransaction<Message>(
        storage::Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<Message> {
          absl::StatusOr<SettingsRow> row = ReadSettingsRow(tx, name_, /*for_update=*/true);
          if (!row.ok()) return row.status();
          absl::StatusOr<std::shared_ptr<const Snapshot>> current = Load(*row);
          if (!current.ok()) return current.status();
          if (!update.etag().empty() && update.etag() != (*current)->message.etag()) {
            return absl::AbortedError(absl::StrCat(name_, " was changed by someone else (etag ",
                                                   (*current)->message.etag(), "); read it again"));
          }
          Message merged = (*current)->message;
          if (replace_all) {
            merged = update;
          } else {
            google::protobuf::util::FieldMaskUtil::MergeOptions options;
            options.set_replace_message_fields(true);
            options.set_replace_repeated_fields(true);
            google::protobuf::util::FieldMaskUtil::MergeMessageTo(update, mask, options, &merged);
          }
          merged.clear_etag();
          merged.clear_update_time();
          if (absl::StatusOr<Parsed> parsed = parse_(merged); !parsed.ok()) return parsed.status();
          SettingsRow written{.version = row->version + 1, .updated_at_us = absl::ToUnixMicros(now)};
          google::protobuf::util::JsonPrintOptions json_options;
          json_options.preserve_proto_field_names = true;
          if (auto s = google::protobuf::util::MessageToJsonString(merged, &written.json, json_options); !s.ok()) {
            return absl::InternalError(absl::StrCat("cannot store ", name_, ": ", s.ToString()));
          }
          WriteSettingsRow(tx, name_, written);
          absl::StatusOr<std::shared_ptr<const Snapshot>> stored = Load(written);
          if (!stored.ok()) return stored.status();
          return (*stored)->message;
        });
  }

 private:
  absl::StatusOr<std::shared_ptr<const Snapshot>> Load(const SettingsRow& row) const {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->version = row.version;
    snapshot->message = defaults_;
    if (!row.json.empty()) {
      snapshot->message.Clear();
      google::protobuf::util::JsonParseOptions json_options;
      json_options.ignore_unknown_fields = true;  // written by a newer server
      if (auto s = google::protobuf::util::JsonStringToMessage(row.json, &snapshot->message, json_options); !s.ok()) {
        return absl::InternalError(absl::StrCat("stored ", name_, " is unreadable: ", s.ToString()));
      }
      *snapshot->message.mutable_update_time() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(row.updated_at_us);
    }
    absl::StatusOr<Parsed> parsed = parse_(snapshot->message);
    if (!parsed.ok()) {
      return absl::InternalError(absl::StrCat("stored ", name_, " no longer checks out: ", parsed.status().message()));
    }
    snapshot->parsed = *std::move(parsed);
    snapshot->message.set_etag(absl::StrCat("v", row.version));
    return snapshot;
  }

  storage::Database& database_;
  const std::string name_;
  const Message defaults_;
  const Parse parse_;
  absl::Mutex mutex_;
  std::shared_ptr<const Snapshot> cached_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace satisfaction::settings

#endif  // SATISFACTION_SERVICES_SETTINGS_SETTINGS_DOCUMENT_H_
