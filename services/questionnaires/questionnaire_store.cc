#include "services/questionnaires/questionnaire_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/storage/database_errors.h"

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
std::optional<Header> LoadHeader(soci::session& session, absl::string_view id, bool for_update) {
  Header header;
  header.id = std::string(id);
  long long archived_at_us = 0;
  std::string digest;
  soci::indicator archived_indicator = soci::i_null;
  soci::indicator digest_indicator = soci::i_null;
  bool lock = for_update && session.get_backend_name() == "mysql";
  session << absl::StrCat(
      "SELECT latest_version, latest_published_version, created_at_us, archived_at_us, template_digest"
      " FROM questionnaires WHERE id = :id",
      lock ? " FOR UPDATE" : ""),
      soci::use(header.id), soci::into(header.latest_version), soci::into(header.latest_published_version),
      soci::into(header.created_at_us), soci::into(archived_at_us, archived_indicator),
      soci::into(digest, digest_indicator);
  if (!session.got_data()) return std::nullopt;
  if (archived_indicator == soci::i_ok) header.archived_at_us = archived_at_us;
  if (digest_indicator == soci::i_ok) header.template_digest = digest;
  return header;
}

void LoadItems(soci::session& session, absl::string_view id, int version, v1::Questionnaire& out) {
  std::string questionnaire_id(id);
  std::string code, text_zh_cn, text_en, labels_json;
  int kind = 0, dimension = 0, required = 0, max_length = 0;
  double weight = 0;
  soci::statement statement =
      (session.prepare << "SELECT code, kind, text_zh_cn, text_en, dimension, weight, required, labels_json,"
                          " max_length FROM questionnaire_items"
                          " WHERE questionnaire_id = :id AND version = :version ORDER BY ordinal",
       soci::use(questionnaire_id), soci::use(version), soci::into(code), soci::into(kind), soci::into(text_zh_cn),
       soci::into(text_en), soci::into(dimension), soci::into(weight), soci::into(required), soci::into(labels_json),
       soci::into(max_length));
  statement.execute();
  while (statement.fetch()) {
    v1::Item& item = *out.add_items();
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
  }
}

// Reads one version, or nothing if it does not exist.
std::optional<v1::Questionnaire> LoadVersion(soci::session& session, const Header& header, int version,
                                             v1::QuestionnaireView view) {
  v1::Questionnaire out;
  int state = 0, revision = 0;
  std::string title_zh_cn, title_en, description_zh_cn, description_en;
  long long created_at_us = 0, updated_at_us = 0, published_at_us = 0;
  soci::indicator published_indicator = soci::i_null;
  session << "SELECT state, revision, title_zh_cn, title_en, description_zh_cn, description_en, created_at_us,"
             " updated_at_us, published_at_us FROM questionnaire_versions"
             " WHERE questionnaire_id = :id AND version = :version",
      soci::use(header.id), soci::use(version), soci::into(state), soci::into(revision), soci::into(title_zh_cn),
      soci::into(title_en), soci::into(description_zh_cn), soci::into(description_en), soci::into(created_at_us),
      soci::into(updated_at_us), soci::into(published_at_us, published_indicator);
  if (!session.got_data()) return std::nullopt;

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
  if (view != v1::QUESTIONNAIRE_VIEW_BASIC) LoadItems(session, header.id, version, out);
  return out;
}

void InsertItems(soci::session& session, absl::string_view id, int version, const v1::Questionnaire& content) {
  std::string questionnaire_id(id);
  int ordinal = 0, kind = 0, dimension = 0, required = 0, max_length = 0;
  double weight = 0;
  std::string code, text_zh_cn, text_en, labels_json;
  // One prepared statement, executed per item, inside the caller's transaction.
  soci::statement statement =
      (session.prepare << "INSERT INTO questionnaire_items (questionnaire_id, version, ordinal, code, kind,"
                          " text_zh_cn, text_en, dimension, weight, required, labels_json, max_length)"
                          " VALUES (:id, :version, :ordinal, :code, :kind, :text_zh_cn, :text_en, :dimension,"
                          " :weight, :required, :labels_json, :max_length)",
       soci::use(questionnaire_id), soci::use(version), soci::use(ordinal), soci::use(code), soci::use(kind),
       soci::use(text_zh_cn), soci::use(text_en), soci::use(dimension), soci::use(weight), soci::use(required),
       soci::use(labels_json), soci::use(max_length));
  for (const v1::Item& item : content.items()) {
    code = item.code();
    kind = item.kind();
    text_zh_cn = item.text().zh_cn();
    text_en = item.text().en();
    dimension = item.dimension();
    weight = item.weight();
    required = item.required() ? 1 : 0;
    labels_json.clear();
    if (!google::protobuf::util::MessageToJsonString(item.labels(), &labels_json).ok()) {
      throw soci::soci_error("cannot encode item labels");
    }
    max_length = item.max_length();
    statement.execute(true);
    ++ordinal;
  }
}

void InsertVersion(soci::session& session, absl::string_view id, int version, const v1::Questionnaire& content,
                   long long now_us) {
  std::string questionnaire_id(id);
  int state = kStoredDraft;
  int revision = 1;
  std::string title_zh_cn = content.title().zh_cn(), title_en = content.title().en();
  std::string description_zh_cn = content.description().zh_cn(), description_en = content.description().en();
  session << "INSERT INTO questionnaire_versions (questionnaire_id, version, state, revision, title_zh_cn,"
             " title_en, description_zh_cn, description_en, created_at_us, updated_at_us)"
             " VALUES (:id, :version, :state, :revision, :title_zh_cn, :title_en, :description_zh_cn,"
             " :description_en, :created, :updated)",
      soci::use(questionnaire_id), soci::use(version), soci::use(state), soci::use(revision), soci::use(title_zh_cn),
      soci::use(title_en), soci::use(description_zh_cn), soci::use(description_en), soci::use(now_us),
      soci::use(now_us);
  InsertItems(session, id, version, content);
}

absl::Status InsertQuestionnaire(soci::session& session, absl::string_view id, const v1::Questionnaire& content,
                                 absl::string_view digest, long long now_us) {
  std::string questionnaire_id(id);
  std::string template_digest(digest);
  soci::indicator digest_indicator = digest.empty() ? soci::i_null : soci::i_ok;
  int latest_version = 1;
  try {
    session << "INSERT INTO questionnaires (id, latest_version, latest_published_version, created_at_us,"
               " template_digest) VALUES (:id, :latest, 0, :created, :digest)",
        soci::use(questionnaire_id), soci::use(latest_version), soci::use(now_us),
        soci::use(template_digest, digest_indicator);
  } catch (const soci::soci_error& error) {
    absl::Status status = storage::StatusFromDatabaseException(error);
    if (status.code() == absl::StatusCode::kAlreadyExists) {
      return absl::AlreadyExistsError(absl::StrCat("questionnaire ", Quote(id), " already exists"));
    }
    throw;
  }
  InsertVersion(session, id, 1, content, now_us);
  return absl::OkStatus();
}

void MarkPublished(soci::session& session, const Header& header, int version, long long now_us) {
  int published = kStoredPublished;
  session << "UPDATE questionnaire_versions SET state = :state, published_at_us = :now"
             " WHERE questionnaire_id = :id AND version = :version",
      soci::use(published), soci::use(now_us), soci::use(header.id), soci::use(version);
  session << "UPDATE questionnaires SET latest_published_version = :version WHERE id = :id", soci::use(version),
      soci::use(header.id);
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
absl::StatusOr<LockedDraft> LockDraft(soci::session& session, absl::string_view id, int version,
                                      absl::string_view etag) {
  std::optional<Header> header = LoadHeader(session, id, /*for_update=*/true);
  if (!header) return NotFound(id);
  absl::StatusOr<int> draft_version = ResolveDraft(*header, version);
  if (!draft_version.ok()) return draft_version.status();
  v1::Questionnaire draft = *LoadVersion(session, *header, *draft_version, v1::QUESTIONNAIRE_VIEW_FULL);
  if (absl::Status s = CheckEtag(draft, etag); !s.ok()) return s;
  return LockedDraft{*std::move(header), std::move(draft)};
}

}  // namespace

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Create(absl::string_view id, const v1::Questionnaire& content,
                                                             absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Questionnaire> {
        if (absl::Status inserted = InsertQuestionnaire(session, id, content, "", Micros(now)); !inserted.ok()) {
          return inserted;
        }
        return *LoadVersion(session, *LoadHeader(session, id, false), 1, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::UpdateDraft(absl::string_view id, int version,
                                                                  absl::string_view etag, DraftEdit edit,
                                                                  absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Questionnaire> {
        absl::StatusOr<LockedDraft> locked = LockDraft(session, id, version, etag);
        if (!locked.ok()) return locked.status();
        v1::Questionnaire& draft = locked->draft;
        if (absl::Status s = edit(draft); !s.ok()) return s;

        std::string title_zh_cn = draft.title().zh_cn(), title_en = draft.title().en();
        std::string description_zh_cn = draft.description().zh_cn(), description_en = draft.description().en();
        long long now_us = Micros(now);
        int v = draft.version();
        session << "UPDATE questionnaire_versions SET title_zh_cn = :title_zh_cn, title_en = :title_en,"
                   " description_zh_cn = :description_zh_cn, description_en = :description_en,"
                   " revision = revision + 1, updated_at_us = :now WHERE questionnaire_id = :id AND version = :v",
            soci::use(title_zh_cn), soci::use(title_en), soci::use(description_zh_cn), soci::use(description_en),
            soci::use(now_us), soci::use(locked->header.id), soci::use(v);
        session << "DELETE FROM questionnaire_items WHERE questionnaire_id = :id AND version = :v",
            soci::use(locked->header.id), soci::use(v);
        InsertItems(session, id, v, draft);
        return *LoadVersion(session, locked->header, v, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Publish(absl::string_view id, int version, absl::string_view etag,
                                                              absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Questionnaire> {
        absl::StatusOr<LockedDraft> locked = LockDraft(session, id, version, etag);
        if (!locked.ok()) return locked.status();
        int v = locked->draft.version();
        MarkPublished(session, locked->header, v, Micros(now));
        locked->header.latest_published_version = v;
        return *LoadVersion(session, locked->header, v, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::CreateVersion(absl::string_view id, int from_version,
                                                                    absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Questionnaire> {
        std::optional<Header> header = LoadHeader(session, id, /*for_update=*/true);
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
        v1::Questionnaire content = *LoadVersion(session, *header, source, v1::QUESTIONNAIRE_VIEW_FULL);
        int new_version = header->latest_version + 1;
        InsertVersion(session, id, new_version, content, Micros(now));
        session << "UPDATE questionnaires SET latest_version = :version WHERE id = :id", soci::use(new_version),
            soci::use(header->id);
        header->latest_version = new_version;
        return *LoadVersion(session, *header, new_version, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Get(absl::string_view id, int version) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kRead, [&](soci::session& session) -> absl::StatusOr<v1::Questionnaire> {
        std::optional<Header> header = LoadHeader(session, id, /*for_update=*/false);
        if (!header) return NotFound(id);
        int wanted = version == 0 ? header->latest_published_version : version;
        if (wanted == 0) {
          return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id),
                                                  " has no published version yet; its draft is version ",
                                                  header->latest_version));
        }
        std::optional<v1::Questionnaire> found = LoadVersion(session, *header, wanted, v1::QUESTIONNAIRE_VIEW_FULL);
        if (!found) return absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id), " has no version ", wanted));
        return *std::move(found);
      });
}

absl::StatusOr<QuestionnaireStore::ListPage> QuestionnaireStore::List(const ListQuery& query) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<ListPage> {
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
    soci::statement statement =
        (session.prepare << absl::StrCat("SELECT id, latest_version, latest_published_version, created_at_us,"
                                         " archived_at_us FROM questionnaires WHERE id > :after",
                                         condition, " ORDER BY id LIMIT :fetch"),
         soci::use(after_id), soci::use(fetch), soci::into(row.id), soci::into(row.latest_version),
         soci::into(row.latest_published_version), soci::into(row.created_at_us),
         soci::into(archived_at_us, archived_indicator));
    statement.execute();
    while (statement.fetch()) {
      row.archived_at_us = archived_indicator == soci::i_ok ? std::optional(archived_at_us) : std::nullopt;
      headers.push_back(row);
    }
    ListPage page;
    page.has_more = static_cast<int>(headers.size()) > query.limit;
    if (page.has_more) headers.resize(query.limit);
    for (const Header& header : headers) {
      int shown =
          query.state == v1::QUESTIONNAIRE_STATE_PUBLISHED ? header.latest_published_version : header.latest_version;
      std::optional<v1::Questionnaire> version = LoadVersion(session, header, shown, query.view);
      if (version) page.questionnaires.push_back(*std::move(version));
    }
    return page;
  });
}

absl::StatusOr<v1::Questionnaire> QuestionnaireStore::Archive(absl::string_view id, absl::Time now) {
  return database_.InTransaction<v1::Questionnaire>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Questionnaire> {
        std::optional<Header> header = LoadHeader(session, id, /*for_update=*/true);
        if (!header) return NotFound(id);
        if (!header->archived_at_us) {
          long long now_us = Micros(now);
          session << "UPDATE questionnaires SET archived_at_us = :now WHERE id = :id", soci::use(now_us),
              soci::use(header->id);
          header->archived_at_us = now_us;
        }
        return *LoadVersion(session, *header, header->latest_version, v1::QUESTIONNAIRE_VIEW_FULL);
      });
}

absl::StatusOr<QuestionnaireStore::TemplateLoad> QuestionnaireStore::CreatePublishedFromTemplate(
    absl::string_view id, const v1::Questionnaire& content, absl::string_view digest, absl::Time now) {
  absl::StatusOr<TemplateLoad> load = database_.InTransaction<TemplateLoad>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<TemplateLoad> {
        if (std::optional<Header> existing = LoadHeader(session, id, /*for_update=*/false)) {
          return TemplateLoad{.created = false, .stored_digest = existing->template_digest.value_or("")};
        }
        long long now_us = Micros(now);
        if (absl::Status s = InsertQuestionnaire(session, id, content, digest, now_us); !s.ok()) return s;
        MarkPublished(session, *LoadHeader(session, id, false), 1, now_us);
        return TemplateLoad{.created = true, .stored_digest = std::string(digest)};
      });
  // Another server loaded the same template at the same moment.
  if (load.status().code() == absl::StatusCode::kAlreadyExists) {
    return TemplateLoad{.created = false, .stored_digest = std::string(digest)};
  }
  return load;
}

}  // namespace satisfaction::questionnaires
