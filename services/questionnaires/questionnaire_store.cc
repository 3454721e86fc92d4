#include "services/questionnaires/questionnaire_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/storage/database_errors.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::questionnaires {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;
using storage::Backend;

// Stored values of questionnaire_versions.state.
enum StoredState : int { kStoredDraft = 1, kStoredPublished = 2 };

// The questionnaires row: one per questionnaire, locked by every change to it.
struct Header {
  std::string id;
  int latest_version = 0;
  int latest_published_version = 0;
  long long created_at_us = 0;
  std::optional<long long> archived_at_us;
  std::optional<std::string> template_digest;
};

long long Micros(absl::Time time) { return absl::ToUnixMicros(time); }

std::string Etag(int version, int revision) { return absl::StrCat("v", version, "r", revision); }

absl::Status NotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id), " not found"));
}

absl::Status Archived(absl::string_view id) {
  return absl::FailedPreconditionError(absl::StrCat("questionnaire ", Quote(id), " is archived"));
}

// Reads the header; with `for_update` it is locked until the transaction ends
// (SQLite needs no row lock: BEGIN IMMEDIATE holds the database's write lock).
std::optional<Header> LoadHeader(storage::Transaction& tx, absl::string_view id, bool for_update) {
  Header header;
  header.id = std::string(id);
  long long archived_at_us = 0;
  std::string digest;
  soci::indicator archived_indicator = soci::i_null;
  soci::indicator digest_indicator = soci::i_null;
  storage::Query query(tx, absl::StrCat("SELECT latest_version, latest_published_version, created_at_us,"
                                        " archived_at_us, template_digest FROM questionnaires WHERE id = :id",
                                        for_update ? tx.ForUpdate() : ""));
  query.Bind("id", header.id).Into(header.latest_version).Into(header.latest_published_version);
  query.Into(header.created_at_us).Into(archived_at_us, archived_indicator).Into(digest, digest_indicator);
  if (!query.Execute()) return std::nullopt;
  if (archived_indicator == soci::i_ok) header.archived_at_us = archived_at_us;
  if (digest_indicator == soci::i_ok) header.template_digest = digest;
  return header;
}

// One questionnaire_items row (after its questionnaire, version and ordinal).
struct ItemRow {
  std::string code, text_zh_cn, text_en, labels_json;
  int kind = 0, dimension = 0, required = 0, max_length = 0;
  double weight = 0;

  static constexpr char kColumns[] =
      "code, kind, text_zh_cn, text_en, dimension, weight, required, labels_json,"
      " max_length";

  static ItemRow FromProto(const v1::Item& item) {
    ItemRow row{.code = item.code(),
                .text_zh_cn = item.text().zh_cn(),
                .text_en = item.text().en(),
                .kind = item.kind(),
                .dimension = item.dimension(),
                .required = item.required() ? 1 : 0,
                .max_length = item.max_length(),
                .weight = item.weight()};
    if (!google::protobuf::util::MessageToJsonString(item.labels(), &row.labels_json).ok()) {
      throw soci::soci_error("cannot encode item labels");
    }
    return row;
  }

  v1::Item ToProto() const {
    v1::Item item;
    item.set_code(code);
    item.set_kind(ProtoEnumOrUnspecified<v1::ItemKind>(kind));
    item.mutable_text()->set_zh_cn(text_zh_cn);
    item.mutable_text()->set_en(text_en);
    item.set_dimension(ProtoEnumOrUnspecified<v1::Dimension>(dimension));
    item.set_required(required != 0);
    if (item.kind() == v1::ITEM_KIND_SCALE) {
      item.set_weight(weight);
      if (!google::protobuf::util::JsonStringToMessage(labels_json, item.mutable_labels()).ok()) {
        throw soci::soci_error(absl::StrCat("stored labels of item ", Quote(code), " are corrupt"));
      }
    } else {
      item.set_max_length(max_length);
    }
    return item;
  }

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(code).Into(kind).Into(text_zh_cn).Into(text_en).Into(dimension).Into(weight).Into(required);
    query.Into(labels_json).Into(max_length);
  }
  // Binds a placeholder named after each column of kColumns.
  void Bind(storage::Query& query) const {
    query.Bind("code", code).Bind("kind", kind).Bind("text_zh_cn", text_zh_cn).Bind("text_en", text_en);
    query.Bind("dimension", dimension).Bind("weight", weight).Bind("required", required);
    query.Bind("labels_json", labels_json).Bind("max_length", max_length);
  }
};

void LoadItems(storage::Transaction& tx, absl::string_view id, int version, v1::Questionnaire& out) {
  std::string questionnaire_id(id);
  ItemRow row;
  storage::Query query(tx, absl::StrCat("SELECT ", ItemRow::kColumns,
                                        " FROM questionnaire_items WHERE questionnaire_id = :id AND version = :version"
                                        " ORDER BY ordinal"));
  query.Bind("id", questionnaire_id).Bind("version", version).IntoRow(row).Start();
  while (query.Next()) *out.add_items() = row.ToProto();
}

// Reads one version, or nothing if it does not exist.
std::optional<v1::Questionnaire> LoadVersion(storage::Transaction& tx, const Header& header, int version,
                                             v1::QuestionnaireView view) {
  v1::Questionnaire out;
  int state = 0, revision = 0;
  std::string title_zh_cn, title_en, description_zh_cn, description_en;
  long long created_at_us = 0, updated_at_us = 0, published_at_us = 0;
  soci::indicator published_indicator = soci::i_null;
  storage::Query query(tx,
                       "SELECT state, revision, title_zh_cn, title_en, description_zh_cn, description_en,"
                       " created_at_us, updated_at_us, published_at_us FROM questionnaire_versions"
                       " WHERE questionnaire_id = :id AND version = :version");
  query.Bind("id", header.id).Bind("version", version).Into(state).Into(revision).Into(title_zh_cn).Into(title_en);
  query.Into(description_zh_cn).Into(description_en).Into(created_at_us).Into(updated_at_us);
  if (!query.Into(published_at_us, published_indicator).Execute()) return std::nullopt;

  out.set_id(header.id);
  out.set_version(version);
  if (header.archived_at_us) {
    out.set_state(v1::QUESTIONNAIRE_STATE_ARCHIVED);
    *out.mutable_archive_time() = TimeUtil::MicrosecondsToTimestamp(*header.archived_at_us);
  } else {
    out.set_state(state == kStoredPublished ? v1::QUESTIONNAIRE_STATE_PUBLISHED : v1::QUESTIONNAIRE_STATE_DRAFT);
  }
  out.mutable_title()->set_zh_cn(title_zh_cn);
  out.mutable_title()->set_en(title_en);
  out.mutable_description()->set_zh_cn(description_zh_cn);
  out.mutable_description()->set_en(description_en);
  out.set_latest_version(header.latest_version);
  out.set_latest_published_version(header.latest_published_version);
  *out.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_at_us);
  *out.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(updated_at_us);
  if (published_indicator == soci::i_ok) {
    *out.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(published_at_us);
  }
  out.set_etag(Etag(version, revision));
  if (view != v1::QUESTIONNAIRE_VIEW_BASIC) LoadItems(tx, header.id, version, out);
  return out;
}

void InsertItems(storage::Transaction& tx, absl::string_view id, int version, const v1::Questionnaire& content) {
  std::string questionnaire_id(id);
  int ordinal = 0;
  ItemRow row;
  // One prepared statement, executed per item, inside the caller's transaction.
  storage::Query insert(
      tx, absl::StrCat("INSERT INTO questionnaire_items (questionnaire_id, version, ordinal, ", ItemRow::kColumns,
                       ") VALUES (:id, :version, :ordinal, :code, :kind, :text_zh_cn, :text_en,"
                       " :dimension, :weight, :required, :labels_json, :max_length)"));
  insert.Bind("id", questionnaire_id).Bind("version", version).Bind("ordinal", ordinal);
  row.Bind(insert);
  for (const v1::Item& item : content.items()) {
    row = ItemRow::FromProto(item);
    insert.Execute();
    ++ordinal;
  }
}

void InsertVersion(storage::Transaction& tx, absl::string_view id, int version, const v1::Questionnaire& content,
                   long long now_us) {
  std::string questionnaire_id(id);
  int state = kStoredDraft;
  int revision = 1;
  std::string title_zh_cn = content.title().zh_cn(), title_en = content.title().en();
  std::string description_zh_cn = content.description().zh_cn(), description_en = content.description().en();
  storage::Query insert(tx,
                        "INSERT INTO questionnaire_versions (questionnaire_id, version, state, revision, title_zh_cn,"
                        " title_en, description_zh_cn, description_en, created_at_us, updated_at_us)"
                        " VALUES (:id, :version, :state, :revision, :title_zh_cn, :title_en, :description_zh_cn,"
                        " :description_en, :created, :updated)");
  insert.Bind("id", questionnaire_id).Bind("version", version).Bind("state", state).Bind("revision", revision);
  insert.Bind("title_zh_cn", title_zh_cn).Bind("title_en", title_en).Bind("description_zh_cn", description_zh_cn);
  insert.Bind("description_en", description_en).Bind("created", now_us).Bind("updated", now_us).Execute();
  InsertItems(tx, id, version, content);
}

absl::Status InsertQuestionnaire(storage::Transaction& tx, absl::string_view id, const v1::Questionnaire& content,
                                 absl::string_view digest, long long now_us) {
  std::string questionnaire_id(id);
  std::string template_digest(digest);
  soci::indicator digest_indicator = digest.empty() ? soci::i_null : soci::i_ok;
  int latest_version = 1;
  try {
    storage::Query insert(tx,
                          "INSERT INTO questionnaires (id, latest_version, latest_published_version, created_at_us,"
                          " template_digest) VALUES (:id, :latest, 0, :created, :digest)");
    insert.Bind("id", questionnaire_id).Bind("latest", latest_version).Bind("created", now_us);
    insert.Bind("digest", template_digest, digest_indicator).Execute();
  } catch (const soci::soci_error& error) {
    absl::Status status = storage::StatusFromDatabaseException(error);
    if (status.code() == absl::StatusCode::kAlreadyExists) {
      return absl::AlreadyExistsError(absl::StrCat("questionnaire ", Quote(id), " already exists"));
    }
    throw;
  }
  InsertVersion(tx, id, 1, content, now_us);
  return absl::OkStatus();
}

void MarkPublished(storage::Transaction& tx, const Header& header, int version, long long now_us) {
  int published = kStoredPublished;
  storage::Query mark(tx,
                      "UPDATE questionnaire_versions SET state = :state, published_at_us = :now"
                      " WHERE questionnaire_id = :id AND version = :version");
  mark.Bind("state", published).Bind("now", now_us).Bind("id", header.id).Bind("version", version).Execute();
  storage::Query latest(tx, "UPDATE questionnaires SET latest_published_version = :version WHERE id = :id");
  latest.Bind("version", version).Bind("id", header.id).Execute();
}

// Resolves "0 = the current draft" and checks the version is an editable draft.
absl::StatusOr<int> ResolveDraft(const Header& header, int version) {
  if (header.archived_at_us) return Archived(header.id);
  bool has_draft = header.latest_version > header.latest_published_version;
  if (version == 0) {
    if (!has_draft) {
      return absl::FailedPreconditionError(
          absl::StrCat("questionnaire ", Quote(header.id), " has no draft; create a new version first"));
    }
    return header.latest_version;
  }
  if (version > header.latest_version) {
    return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(header.id), " has no version ", version));
  }
  if (version != header.latest_version || !has_draft) {
    return absl::FailedPreconditionError(absl::StrCat("version ", version, " of questionnaire ", Quote(header.id),
                                                      " is published and can never change; create a new version"));
  }
  return version;
}

absl::Status CheckEtag(const v1::Questionnaire& current, absl::string_view etag) {
  if (!etag.empty() && etag != current.etag()) {
    return absl::AbortedError(absl::StrCat("questionnaire ", Quote(current.id()), " version ", current.version(),
                                           " was changed by someone else (etag ", current.etag(), "); read it again"));
  }
  return absl::OkStatus();
}

// A draft about to change, with its questionnaire's header locked.
struct LockedDraft {
  Header header;
  v1::Questionnaire draft;
};

// Locks the questionnaire and reads the draft `version` names (0: the current
// one), checking that it is an editable draft and that `etag`, if given, matches.
absl::StatusOr<LockedDraft> LockDraft(storage::Transaction& tx, absl::string_view id, int version,
                                      absl::string_view etag) {
  std::optional<Header> header = LoadHeader(tx, id, /*for_update=*/true);
  if (!header) return NotFound(id);
  absl::StatusOr<int> draft_version = ResolveDraft(*header, version);
  if (!draft_version.ok()) return draft_version.status();
  v1::Questionnaire draft = *LoadVersion(tx, *header, *draft_version, v1::QUESTIONNAIRE_VIEW_FULL);
  if (absl::Status s = CheckEtag(draft, etag); !s.ok()) return s;
  return LockedDraft{*std::move(header), std::move(draft)};
}

}  // namespace

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Create(absl::string_view id, const v1::Questionnaire& content,
                                                             absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Questionnaire> {
        if (absl::Status inserted = InsertQuestionnaire(tx, id, content, "", Micros(now)); !inserted.ok()) {
          return inserted;
        }
        return *LoadVersion(tx, *LoadHeader(tx, id, false), 1, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::UpdateDraft(absl::string_view id, int version,
                                                                  absl::string_view etag, DraftEdit edit,
                                                                  absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Questionnaire> {
        absl::StatusOr<LockedDraft> locked = LockDraft(tx, id, version, etag);
        if (!locked.ok()) return locked.status();
        v1::Questionnaire& draft = locked->draft;
        if (absl::Status s = edit(draft); !s.ok()) return s;

        std::string title_zh_cn = draft.title().zh_cn(), title_en = draft.title().en();
        std::string description_zh_cn = draft.description().zh_cn(), description_en = draft.description().en();
        long long now_us = Micros(now);
        int v = draft.version();
        storage::Query update(tx,
                              "UPDATE questionnaire_versions SET title_zh_cn = :title_zh_cn, title_en = :title_en,"
                              " description_zh_cn = :description_zh_cn, description_en = :description_en,"
                              " revision = revision + 1, updated_at_us = :now"
                              " WHERE questionnaire_id = :id AND version = :v");
        update.Bind("title_zh_cn", title_zh_cn).Bind("title_en", title_en).Bind("description_zh_cn", description_zh_cn);
        update.Bind("description_en", description_en).Bind("now", now_us).Bind("id", locked->header.id);
        update.Bind("v", v).Execute();
        storage::Query remove(tx, "DELETE FROM questionnaire_items WHERE questionnaire_id = :id AND version = :v");
        remove.Bind("id", locked->header.id).Bind("v", v).Execute();
        InsertItems(tx, id, v, draft);
        return *LoadVersion(tx, locked->header, v, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Publish(absl::string_view id, int version, absl::string_view etag,
                                                              absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Questionnaire> {
        absl::StatusOr<LockedDraft> locked = LockDraft(tx, id, version, etag);
        if (!locked.ok()) return locked.status();
        int v = locked->draft.version();
        MarkPublished(tx, locked->header, v, Micros(now));
        locked->header.latest_published_version = v;
        return *LoadVersion(tx, locked->header, v, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::CreateVersion(absl::string_view id, int from_version,
                                                                    absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Questionnaire> {
        std::optional<Header> header = LoadHeader(tx, id, /*for_update=*/true);
        if (!header) return NotFound(id);
        if (header->archived_at_us) return Archived(id);
        if (header->latest_version > header->latest_published_version) {
          return absl::FailedPreconditionError(absl::StrCat("questionnaire ", Quote(id), " already has draft version ",
                                                            header->latest_version, "; edit or publish it"));
        }
        int source = from_version == 0 ? header->latest_published_version : from_version;
        if (source > header->latest_version) {
          return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id), " has no version ", source));
        }
        v1::Questionnaire content = *LoadVersion(tx, *header, source, v1::QUESTIONNAIRE_VIEW_FULL);
        int new_version = header->latest_version + 1;
        InsertVersion(tx, id, new_version, content, Micros(now));
        storage::Query update(tx, "UPDATE questionnaires SET latest_version = :version WHERE id = :id");
        update.Bind("version", new_version).Bind("id", header->id).Execute();
        header->latest_version = new_version;
        return *LoadVersion(tx, *header, new_version, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Get(absl::string_view id, int version) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Questionnaire> {
        std::optional<Header> header = LoadHeader(tx, id, /*for_update=*/false);
        if (!header) return NotFound(id);
        int wanted = version == 0 ? header->latest_published_version : version;
        if (wanted == 0) {
          return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id),
                                                  " has no published version yet; its draft is version ",
                                                  header->latest_version));
        }
        std::optional<v1::Questionnaire> found = LoadVersion(tx, *header, wanted, v1::QUESTIONNAIRE_VIEW_FULL);
        if (!found) return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id), " has no version ", wanted));
        return *std::move(found);
      });
}

absl::StatusOr<QuestionnaireStore::ListPage> QuestionnaireStore::List(const ListQuery& query) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    std::string condition;
    switch (query.state) {
      case v1::QUESTIONNAIRE_STATE_DRAFT:
        condition = " AND archived_at_us IS NULL AND latest_version > latest_published_version";
        break;
      case v1::QUESTIONNAIRE_STATE_PUBLISHED:
        condition = " AND archived_at_us IS NULL AND latest_published_version > 0";
        break;
      case v1::QUESTIONNAIRE_STATE_ARCHIVED:
        condition = " AND archived_at_us IS NOT NULL";
        break;
      default:
        break;
    }
    std::string after_id = query.after_id;
    int fetch = query.limit + 1;  // one more tells whether another page follows
    std::vector<Header> headers;
    Header row;
    long long archived_at_us = 0;
    soci::indicator archived_indicator = soci::i_null;
    storage::Query select(tx, absl::StrCat("SELECT id, latest_version, latest_published_version, created_at_us,"
                                           " archived_at_us FROM questionnaires WHERE id > :after",
                                           condition, " ORDER BY id LIMIT :fetch"));
    select.Bind("after", after_id).Bind("fetch", fetch).Into(row.id).Into(row.latest_version);
    select.Into(row.latest_published_version).Into(row.created_at_us).Into(archived_at_us, archived_indicator);
    select.Start();
    while (select.Next()) {
      row.archived_at_us = archived_indicator == soci::i_ok ? std::optional(archived_at_us) : std::nullopt;
      headers.push_back(row);
    }
    ListPage page;
    page.has_more = static_cast<int>(headers.size()) > query.limit;
    if (page.has_more) headers.resize(query.limit);
    for (const Header& header : headers) {
      int shown =
          query.state == v1::QUESTIONNAIRE_STATE_PUBLISHED ? header.latest_published_version : header.latest_version;
      std::optional<v1::Questionnaire> version = LoadVersion(tx, header, shown, query.view);
      if (version) page.questionnaires.push_back(*std::move(version));
    }
    return page;
  });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Archive(absl::string_view id, absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Questionnaire> {
        std::optional<Header> header = LoadHeader(tx, id, /*for_update=*/true);
        if (!header) return NotFound(id);
        if (!header->archived_at_us) {
          long long now_us = Micros(now);
          storage::Query update(tx, "UPDATE questionnaires SET archived_at_us = :now WHERE id = :id");
          update.Bind("now", now_us).Bind("id", header->id).Execute();
          header->archived_at_us = now_us;
        }
        return *LoadVersion(tx, *header, header->latest_version, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<QuestionnaireStore::TemplateLoad> QuestionnaireStore::CreatePublishedFromTemplate(
    absl::string_view id, const v1::Questionnaire& content, absl::string_view digest, absl::Time now) {
  absl::StatusOr<TemplateLoad> load = database_.InTransaction<TemplateLoad>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<TemplateLoad> {
        if (std::optional<Header> existing = LoadHeader(tx, id, /*for_update=*/false)) {
          return TemplateLoad{.created = false, .stored_digest = existing->template_digest.value_or("")};
        }
        long long now_us = Micros(now);
        if (absl::Status s = InsertQuestionnaire(tx, id, content, digest, now_us); !s.ok()) return s;
        MarkPublished(tx, *LoadHeader(tx, id, false), 1, now_us);
        return TemplateLoad{.created = true, .stored_digest = std::string(digest)};
      });
  // Another server loaded the same template at the same moment.
  if (load.status().code() == absl::StatusCode::kAlreadyExists) {
    return TemplateLoad{.created = false, .stored_digest = std::string(digest)};
  }
  return load;
}

}  // namespace satisfaction::questionnaires
