// QuestionnaireService end to end: the real server, a real gRPC channel on a
// loopback port, and a real database of each backend.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/sample_questionnaires.h"

namespace satisfaction {
namespace {

using google::protobuf::util::MessageDifferencer;
using test_support::Context;
using test_support::ExpectError;
using test_support::SampleQuestionnaire;

class QuestionnaireE2eTest : public test_support::ServiceE2eTest<v1::QuestionnaireService> {
 protected:
  v1::Questionnaire Create(const std::string& id, const v1::Questionnaire& content = SampleQuestionnaire()) {
    v1::CreateQuestionnaireRequest request;
    request.set_questionnaire_id(id);
    *request.mutable_questionnaire() = content;
    v1::Questionnaire response;
    grpc::Status status = stub_->CreateQuestionnaire(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::Questionnaire Publish(const std::string& id, int version = 0) {
    v1::PublishQuestionnaireRequest request;
    request.set_id(id);
    request.set_version(version);
    v1::Questionnaire response;
    grpc::Status status = stub_->PublishQuestionnaire(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Get(const std::string& id, int version, v1::Questionnaire* out) {
    v1::GetQuestionnaireRequest request;
    request.set_id(id);
    request.set_version(version);
    return stub_->GetQuestionnaire(Context().get(), request, out);
  }

  v1::ListQuestionnairesResponse ListAll() {
    v1::ListQuestionnairesRequest request;
    request.set_page_size(200);
    v1::ListQuestionnairesResponse response;
    EXPECT_TRUE(stub_->ListQuestionnaires(Context().get(), request, &response).ok());
    return response;
  }
};

TEST_P(QuestionnaireE2eTest, DraftEditPublishNewVersionAndArchive) {
  v1::Questionnaire draft = Create("post-delivery");
  EXPECT_EQ(draft.state(), v1::QUESTIONNAIRE_STATE_DRAFT);
  EXPECT_EQ(draft.items(0).labels().zh_cn(0), "非常不满意") << "default labels filled in";

  v1::UpdateQuestionnaireDraftRequest update;
  update.mutable_questionnaire()->set_id("post-delivery");
  update.mutable_questionnaire()->set_etag(draft.etag());
  update.mutable_questionnaire()->mutable_title()->set_zh_cn("收货回访");
  update.mutable_update_mask()->add_paths("title");
  v1::Questionnaire updated;
  ASSERT_TRUE(stub_->UpdateQuestionnaireDraft(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.title().zh_cn(), "收货回访");
  EXPECT_EQ(updated.title().en(), "") << "the mask replaced the whole title";
  EXPECT_EQ(updated.items_size(), 3) << "items were not in the mask";

  v1::Questionnaire published = Publish("post-delivery");
  EXPECT_EQ(published.state(), v1::QUESTIONNAIRE_STATE_PUBLISHED);
  v1::Questionnaire latest;
  ASSERT_TRUE(Get("post-delivery", 0, &latest).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(latest, published));

  v1::CreateQuestionnaireVersionRequest new_version;
  new_version.set_id("post-delivery");
  v1::Questionnaire v2;
  ASSERT_TRUE(stub_->CreateQuestionnaireVersion(Context().get(), new_version, &v2).ok());
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.state(), v1::QUESTIONNAIRE_STATE_DRAFT);

  v1::ArchiveQuestionnaireRequest archive;
  archive.set_id("post-delivery");
  v1::Questionnaire archived;
  ASSERT_TRUE(stub_->ArchiveQuestionnaire(Context().get(), archive, &archived).ok());
  EXPECT_EQ(archived.state(), v1::QUESTIONNAIRE_STATE_ARCHIVED);
  v1::PublishQuestionnaireRequest publish;
  publish.set_id("post-delivery");
  v1::Questionnaire ignored;
  ExpectError(stub_->PublishQuestionnaire(Context().get(), publish, &ignored), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(QuestionnaireE2eTest, GeneratedIdsAndPaging) {
  v1::Questionnaire generated = Create("");
  EXPECT_TRUE(absl::StartsWith(generated.id(), "q-")) << generated.id();
  for (int i = 0; i < 4; ++i) Create("page-" + std::to_string(i));

  std::vector<std::string> seen;
  v1::ListQuestionnairesRequest request;
  request.set_page_size(2);
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListQuestionnairesResponse response;
    ASSERT_TRUE(stub_->ListQuestionnaires(Context().get(), request, &response).ok());
    for (const auto& q : response.questionnaires()) seen.push_back(q.id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"page-0", "page-1", "page-2", "page-3", generated.id()}));
}

TEST_P(QuestionnaireE2eTest, CreateRejectsBadInputAndWritesNothing) {
  struct Case {
    std::string name;
    std::function<void(v1::CreateQuestionnaireRequest&)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no questionnaire", [](auto& r) { r.clear_questionnaire(); }, "questionnaire:"},
      {"bad id", [](auto& r) { r.set_questionnaire_id("Bad Id"); }, "questionnaire_id:"},
      {"long id", [](auto& r) { r.set_questionnaire_id(std::string(64, 'a')); }, "questionnaire_id:"},
      {"no title", [](auto& r) { r.mutable_questionnaire()->clear_title(); }, "questionnaire.title:"},
      {"long title", [](auto& r) { r.mutable_questionnaire()->mutable_title()->set_en(std::string(201, 'x')); },
       "questionnaire.title.en:"},
      {"no items", [](auto& r) { r.mutable_questionnaire()->clear_items(); }, "questionnaire.items:"},
      {"duplicate codes", [](auto& r) { r.mutable_questionnaire()->mutable_items(1)->set_code("item_0"); },
       "questionnaire.items[1].code:"},
      {"zero weight", [](auto& r) { r.mutable_questionnaire()->mutable_items(0)->set_weight(0); },
       "questionnaire.items[0].weight:"},
      {"negative weight", [](auto& r) { r.mutable_questionnaire()->mutable_items(0)->set_weight(-2); },
       "questionnaire.items[0].weight:"},
      {"unknown kind",
       [](auto& r) { r.mutable_questionnaire()->mutable_items(0)->set_kind(static_cast<v1::ItemKind>(7)); },
       "questionnaire.items[0].kind:"},
      {"unknown dimension",
       [](auto& r) { r.mutable_questionnaire()->mutable_items(0)->set_dimension(static_cast<v1::Dimension>(77)); },
       "questionnaire.items[0].dimension:"},
      {"long item text",
       [](auto& r) { r.mutable_questionnaire()->mutable_items(0)->mutable_text()->set_zh_cn(std::string(1503, 'x')); },
       "questionnaire.items[0].text.zh_cn:"},
      {"51 items", [](auto& r) { *r.mutable_questionnaire() = SampleQuestionnaire("t", 50); }, "questionnaire.items:"},
      {"control characters", [](auto& r) { r.mutable_questionnaire()->mutable_title()->set_en("a\x07"); },
       "questionnaire.title.en:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::CreateQuestionnaireRequest request;
    request.set_questionnaire_id("spoiled");
    *request.mutable_questionnaire() = SampleQuestionnaire();
    c.spoil(request);
    v1::Questionnaire response;
    ExpectError(stub_->CreateQuestionnaire(Context().get(), request, &response), grpc::StatusCode::INVALID_ARGUMENT,
                c.field);
  }
  EXPECT_EQ(ListAll().questionnaires_size(), 0) << "nothing was written";
}

TEST_P(QuestionnaireE2eTest, DuplicateIdIsAlreadyExists) {
  Create("taken");
  v1::CreateQuestionnaireRequest request;
  request.set_questionnaire_id("taken");
  *request.mutable_questionnaire() = SampleQuestionnaire("another title");
  v1::Questionnaire response;
  ExpectError(stub_->CreateQuestionnaire(Context().get(), request, &response), grpc::StatusCode::ALREADY_EXISTS);
  v1::Questionnaire stored;
  ASSERT_TRUE(Get("taken", 1, &stored).ok());
  EXPECT_EQ(stored.title().zh_cn(), "收货满意度");
}

TEST_P(QuestionnaireE2eTest, UpdateRejectsBadInputAndPublishedVersions) {
  v1::Questionnaire draft = Create("q");
  auto update = [&](const std::function<void(v1::UpdateQuestionnaireDraftRequest&)>& spoil) {
    v1::UpdateQuestionnaireDraftRequest request;
    *request.mutable_questionnaire() = draft;
    spoil(request);
    v1::Questionnaire response;
    return stub_->UpdateQuestionnaireDraft(Context().get(), request, &response);
  };
  ExpectError(update([](auto& r) { r.clear_questionnaire(); }), grpc::StatusCode::INVALID_ARGUMENT, "questionnaire:");
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->clear_id(); }), grpc::StatusCode::INVALID_ARGUMENT,
              "questionnaire.id:");
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->set_version(-1); }), grpc::StatusCode::INVALID_ARGUMENT,
              "questionnaire.version:");
  ExpectError(update([](auto& r) { r.mutable_update_mask()->add_paths("state"); }), grpc::StatusCode::INVALID_ARGUMENT,
              "update_mask:");
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->mutable_items(0)->set_weight(0); }),
              grpc::StatusCode::INVALID_ARGUMENT, "questionnaire.items[0].weight:");
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->set_id("missing"); }), grpc::StatusCode::NOT_FOUND);
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->set_version(9); }), grpc::StatusCode::NOT_FOUND);
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->set_etag("v1r999"); }), grpc::StatusCode::ABORTED);

  Publish("q");
  ExpectError(update([](auto& r) { r.mutable_questionnaire()->mutable_title()->set_zh_cn("改"); }),
              grpc::StatusCode::FAILED_PRECONDITION);
  v1::Questionnaire stored;
  ASSERT_TRUE(Get("q", 1, &stored).ok());
  EXPECT_EQ(stored.title().zh_cn(), "收货满意度") << "nothing was written";
  EXPECT_TRUE(MessageDifferencer::Equals(stored.items(0), draft.items(0)));
}

TEST_P(QuestionnaireE2eTest, ReadsAndStateChangesRejectBadInput) {
  Create("q");
  v1::Questionnaire out;
  ExpectError(Get("", 0, &out), grpc::StatusCode::INVALID_ARGUMENT, "id:");
  ExpectError(Get("q", -3, &out), grpc::StatusCode::INVALID_ARGUMENT, "version:");
  ExpectError(Get("missing", 0, &out), grpc::StatusCode::NOT_FOUND);
  ExpectError(Get("q", 0, &out), grpc::StatusCode::NOT_FOUND);  // nothing published yet

  v1::PublishQuestionnaireRequest publish;
  ExpectError(stub_->PublishQuestionnaire(Context().get(), publish, &out), grpc::StatusCode::INVALID_ARGUMENT, "id:");
  publish.set_id("missing");
  ExpectError(stub_->PublishQuestionnaire(Context().get(), publish, &out), grpc::StatusCode::NOT_FOUND);

  v1::CreateQuestionnaireVersionRequest new_version;
  new_version.set_id("q");
  ExpectError(stub_->CreateQuestionnaireVersion(Context().get(), new_version, &out),
              grpc::StatusCode::FAILED_PRECONDITION);  // a draft exists already
  new_version.set_from_version(-1);
  ExpectError(stub_->CreateQuestionnaireVersion(Context().get(), new_version, &out), grpc::StatusCode::INVALID_ARGUMENT,
              "from_version:");

  v1::ArchiveQuestionnaireRequest archive;
  archive.set_id("No Such");
  ExpectError(stub_->ArchiveQuestionnaire(Context().get(), archive, &out), grpc::StatusCode::INVALID_ARGUMENT, "id:");
  archive.set_id("missing");
  ExpectError(stub_->ArchiveQuestionnaire(Context().get(), archive, &out), grpc::StatusCode::NOT_FOUND);

  v1::ListQuestionnairesRequest list;
  v1::ListQuestionnairesResponse listed;
  list.set_page_size(-1);
  ExpectError(stub_->ListQuestionnaires(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT,
              "page_size:");
  list.set_page_size(1);
  list.set_page_token("garbage");
  ExpectError(stub_->ListQuestionnaires(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT,
              "page_token:");
  list.clear_page_token();
  list.set_state(static_cast<v1::QuestionnaireState>(12));
  ExpectError(stub_->ListQuestionnaires(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "state:");
  list.set_state(v1::QUESTIONNAIRE_STATE_UNSPECIFIED);
  list.set_view(static_cast<v1::QuestionnaireView>(9));
  ExpectError(stub_->ListQuestionnaires(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "view:");
}

TEST_P(QuestionnaireE2eTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  v1::CreateQuestionnaireRequest request;
  request.set_questionnaire_id("utf8");
  *request.mutable_questionnaire() = SampleQuestionnaire();
  request.mutable_questionnaire()->mutable_items(1)->mutable_text()->set_zh_cn("满意\xff\xfe");
  v1::Questionnaire response;
  grpc::Status status = stub_->CreateQuestionnaire(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "zh_cn")) << status.error_message();
  EXPECT_EQ(ListAll().questionnaires_size(), 0);
}

TEST_P(QuestionnaireE2eTest, OversizedMessageIsRefusedByTheTransport) {
  v1::CreateQuestionnaireRequest request;
  request.set_questionnaire_id("huge");
  *request.mutable_questionnaire() = SampleQuestionnaire();
  request.mutable_questionnaire()->mutable_description()->set_en(std::string(5 << 20, 'x'));
  v1::Questionnaire response;
  grpc::Status status = stub_->CreateQuestionnaire(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(ListAll().questionnaires_size(), 0);
}

TEST_P(QuestionnaireE2eTest, HealthIsServingForTheServerAndEachService) {
  auto health = grpc::health::v1::Health::NewStub(channel());
  for (const char* service : {"", "satisfaction.v1.QuestionnaireService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(Context().get(), request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_P(QuestionnaireE2eTest, StandardTemplatesLoadOncePublished) {
  server_.reset();
  for (int start = 0; start < 2; ++start) {
    server_ = StartServer({}, test_support::Templates::kRepository);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::QuestionnaireService::NewStub(channel());
    v1::ListQuestionnairesResponse listed = ListAll();
    std::vector<std::string> ids;
    for (const auto& q : listed.questionnaires()) {
      ids.push_back(q.id());
      EXPECT_EQ(q.state(), v1::QUESTIONNAIRE_STATE_PUBLISHED) << q.id();
      EXPECT_EQ(q.latest_version(), 1) << q.id() << " loaded again on start " << start;
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"after-sales-follow-up", "loyalty-care", "post-delivery"}));
    server_.reset();
  }
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(QuestionnaireE2eTest);

}  // namespace
}  // namespace satisfaction
