#include "services/analytics/response_export.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <array>
#include <set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/analytics/report_questionnaire.h"
#include "services/analytics/satisfaction_reports.h"
#include "services/common/enum_bridges.h"
#include "services/common/field_checks.h"
#include "services/common/report_days.h"
#include "services/responses/commit_delay.h"
#include "services/responses/stored_response.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::analytics {

namespace {

using google::protobuf::util::TimeUtil;

int DayNumberOf(const std::string& text) {
  absl::CivilDay day;
  ParseReportDay(text, &day);
  return ReportDayNumber(day);
}

// "CUSTOMER_TYPE_NEW" → "new": the enum's name without its prefix.
std::string ShortName(const std::string& name, const std::string& prefix) {
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

// The filters, and the page's place, as SQL and its values.
struct PageQuery {
  std::string questionnaire_id;
  std::vector<int> versions, types, channels;
  std::vector<std::string> agents;
  ContextFilter contexts;
  int first_day = 0, last_day = 0, page_size = 0;
  // Responses submitted at or after `since_us`; a page starts after the last
  // response of the page before, in (submit time, id) order.
  long long since_us = 0, after_us = -1, after_id = 0;

  bool ContextFiltered() const {
    return std::any_of(contexts.begin(), contexts.end(), [](const auto& values) { return !values.empty(); });
  }

  std::string Sql() const {
    auto in = [](const std::string& column, const std::string& prefix, size_t n) {
      return n == 0 ? std::string() : absl::StrCat(" AND ", column, " IN (", storage::Placeholders(prefix, n), ")");
    };
    static constexpr const char* kContextColumns[] = {"e.platform", "e.store", "e.product_category", "e.courier",
                                                      "e.cause"};
    // As the aggregates by context: only responses whose event carried some.
    std::string context_filter =
        ContextFiltered() ? absl::StrCat(" AND ", revisits::StoredContext::kHasGroupingParts) : "";
    for (size_t part = 0; part < contexts.size(); ++part) {
      absl::StrAppend(&context_filter, in(kContextColumns[part], absl::StrCat("x", part, "_"), contexts[part].size()));
    }
    return absl::StrCat(
        "SELECT ", responses::StoredResponse::kColumns, revisits::StoredContext::kColumns,
        responses::StoredResponse::kFrom, " WHERE r.questionnaire_id = :q",
        in("r.questionnaire_version", "v", versions.size()), " AND r.report_day >= :first AND r.report_day <= :last",
        in("r.customer_type", "t", types.size()), in("r.channel", "c", channels.size()),
        in("r.agent_id", "a", agents.size()), context_filter,
        " AND r.submitted_at_us >= :since AND (r.submitted_at_us > :after_at OR (r.submitted_at_us = :same_at"
        " AND r.id > :after_id)) ORDER BY r.submitted_at_us, r.id LIMIT ",
        page_size);
  }

  // Binds the placeholders of Sql() (the page's place twice: :after_at and :same_at).
  void Bind(storage::Query& query) const {
    query.Bind("q", questionnaire_id).BindEach("v", versions).Bind("first", first_day).Bind("last", last_day);
    query.BindEach("t", types).BindEach("c", channels).BindEach("a", agents).Bind("since", since_us);
    for (size_t part = 0; part < contexts.size(); ++part) query.BindEach(absl::StrCat("x", part, "_"), contexts[part]);
    query.Bind("after_at", after_us).Bind("same_at", after_us).Bind("after_id", after_id);
  }
};

// A page of responses, with the operator's day each was given on.
struct Page {
  std::vector<v1::Response> responses;
  std::vector<int> days;
};

// One page of responses after the query's place, with their answers; the
// answers kept are those `keep` accepts.
Page ReadPage(storage::Transaction& tx, const PageQuery& page_query,
              const std::function<bool(const std::string&)>& keep) {
  Page result;
  std::vector<v1::Response>& page = result.responses;
  absl::flat_hash_map<long long, size_t> index;
  {
    responses::StoredResponse row;
    storage::Query query(tx, page_query.Sql());
    page_query.Bind(query);
    query.IntoRow(row).Start();
    while (query.Next()) {
      page.push_back(row.ToProto());
      index[row.id] = page.size() - 1;
      result.days.push_back(row.day);
    }
  }
  if (page.empty()) return result;
  std::vector<long long> ids;
  for (const auto& [id, at] : index) ids.push_back(id);
  responses::ForEachAnswer(tx, ids, [&](long long response_id, v1::Answer answer) {
    if (keep(answer.item_code())) *page[index.at(response_id)].add_answers() = std::move(answer);
  });
  return result;
}

// The CSV lines of `page`, with the header first when `header`.
std::string CsvOf(const Page& page, const std::vector<ReportItem>& columns, bool header) {
  std::string csv;
  if (header) {
    std::vector<std::string> names = {"id",
                                      "submit_time",
                                      "day",
                                      "questionnaire_id",
                                      "questionnaire_version",
                                      "customer_external_id",
                                      "customer_type",
                                      "channel",
                                      "agent_id",
                                      "order_id",
                                      "platform",
                                      "store",
                                      "product_category",
                                      "courier",
                                      "amount_minor",
                                      "case_id",
                                      "cause"};
    for (const ReportItem& item : columns) names.push_back(CsvField(item.code));
    absl::StrAppend(&csv, absl::StrJoin(names, ","), "\r\n");
  }
  for (size_t row = 0; row < page.responses.size(); ++row) {
    const v1::Response& response = page.responses[row];
    const v1::BusinessContext& context = response.context();
    int day = page.days[row];
    absl::Time at = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(response.submit_time()));
    std::vector<std::string> fields = {response.id(),
                                       absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone()),
                                       absl::FormatCivilTime(CivilDayOf(day)),
                                       CsvField(response.questionnaire_id()),
                                       absl::StrCat(response.questionnaire_version()),
                                       CsvField(response.customer_external_id()),
                                       ShortName(v1::CustomerType_Name(response.customer_type()), "CUSTOMER_TYPE_"),
                                       ShortName(v1::Channel_Name(response.channel()), "CHANNEL_"),
                                       CsvField(response.agent_id()),
                                       CsvField(context.order_id()),
                                       CsvField(context.platform()),
                                       CsvField(context.store()),
                                       CsvField(context.product_category()),
                                       CsvField(context.courier()),
                                       context.amount_minor() > 0 ? absl::StrCat(context.amount_minor()) : "",
                                       CsvField(context.case_id()),
                                       CsvField(context.cause())};
    absl::flat_hash_map<std::string, const v1::Answer*> answers;
    for (const v1::Answer& answer : response.answers()) answers[answer.item_code()] = &answer;
    for (const ReportItem& item : columns) {
      auto found = answers.find(item.code);
      if (found == answers.end()) {
        fields.push_back("");
      } else if (item.kind == v1::ITEM_KIND_SCALE) {
        fields.push_back(absl::StrCat(found->second->score()));
      } else {
        fields.push_back(CsvField(found->second->text()));
      }
    }
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\r\n");
  }
  return csv;
}

}  // namespace

std::string CsvField(const std::string& text) {
  bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                                   text[0] == '\t' || text[0] == '\r');
  std::string value = formula ? absl::StrCat("'", text) : text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

absl::Status ValidateExportRequest(const v1::ExportResponsesRequest& request) {
  if (absl::Status s = ValidateReportQuestionnaire(request.questionnaire_id(), request.questionnaire_version());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateReportDays(request.first_day(), request.last_day()); !s.ok()) return s;
  if (absl::Status s = ValidateSatisfactionFilter(request.filter()); !s.ok()) return s;
  if (request.format() != v1::EXPORT_FORMAT_CSV && request.format() != v1::EXPORT_FORMAT_MESSAGES) {
    return FieldError("format", "EXPORT_FORMAT_CSV or EXPORT_FORMAT_MESSAGES");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxExportPage) {
    return FieldError("page_size", absl::StrCat("1 to ", kMaxExportPage, ", or 0 for ", kDefaultExportPage));
  }
  if (request.has_submitted_since()) {
    if (absl::Status s = CheckTimestamp("submitted_since", request.submitted_since()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ResponseExport::Export(const v1::ExportResponsesRequest& request,
                                    const std::function<bool(const v1::ExportResponsesPage&)>& write) {
  PageQuery query;
  query.questionnaire_id = request.questionnaire_id();
  query.first_day = DayNumberOf(request.first_day());
  query.last_day = DayNumberOf(request.last_day());
  query.page_size = request.page_size() > 0 ? request.page_size() : kDefaultExportPage;
  query.types.assign(request.filter().customer_types().begin(), request.filter().customer_types().end());
  query.channels.assign(request.filter().channels().begin(), request.filter().channels().end());
  query.agents.assign(request.filter().agent_ids().begin(), request.filter().agent_ids().end());
  const v1::SatisfactionFilter& filter = request.filter();
  query.contexts = ContextFilterOf(filter);
  std::set<int> dimensions(request.filter().dimensions().begin(), request.filter().dimensions().end());
  if (request.has_submitted_since()) query.since_us = TimeUtil::TimestampToMicroseconds(request.submitted_since());
  // What this export holds whole: everything submitted before this time has
  // been committed (see responses::kSettledAfter).
  google::protobuf::Timestamp complete_through =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - responses::kSettledAfter));

  ReportQuestionnaire questionnaire;
  absl::Status status = database_.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) -> absl::Status {
    absl::StatusOr<ReportQuestionnaire> loaded =
        LoadReportQuestionnaire(tx, request.questionnaire_id(), request.questionnaire_version());
    if (!loaded.ok()) return loaded.status();
    questionnaire = *std::move(loaded);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  query.versions = questionnaire.versions;
  // With a dimension filter: only the 5-point items of those dimensions.
  auto keep = [&](const std::string& code) {
    if (dimensions.empty()) return true;
    auto item = questionnaire.by_code.find(code);
    return item != questionnaire.by_code.end() && item->second.kind == v1::ITEM_KIND_SCALE &&
           dimensions.count(item->second.dimension) > 0;
  };
  std::vector<ReportItem> columns;
  for (const ReportItem& item : questionnaire.items) {
    if (keep(item.code)) columns.push_back(item);
  }

  for (bool first_page = true;; first_page = false) {
    Page page;
    status = database_.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) {
      page = ReadPage(tx, query, keep);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    if (page.responses.empty() && !first_page) return absl::OkStatus();
    size_t count = page.responses.size();
    if (count > 0) {
      absl::SimpleAtoi(page.responses.back().id(), &query.after_id);
      query.after_us = TimeUtil::TimestampToMicroseconds(page.responses.back().submit_time());
    }
    v1::ExportResponsesPage out;
    *out.mutable_complete_through() = complete_through;
    if (request.format() == v1::EXPORT_FORMAT_CSV) {
      out.set_csv(CsvOf(page, columns, first_page));
    } else {
      for (v1::Response& response : page.responses) *out.add_responses() = std::move(response);
    }
    if (!write(out)) return absl::CancelledError("the caller stopped reading the export");
    if (count < static_cast<size_t>(query.page_size)) return absl::OkStatus();
  }
}

}  // namespace satisfaction::analytics
