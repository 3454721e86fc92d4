#include "services/questionnaires/questionnaire_store.h"

#include <google/protobuf/util/message_differencer.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/questionnaires/questionnaire_validation.h"
#include "tests/support/backend_test.h"
#include "tests/support/sample_questionnaires.h"

namespace satisfaction::questionnaires {
namespace {

using google::protobuf::util::MessageDifferencer;
using test_support::SampleQuestionnaire;

class QuestionnaireStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    store_ = std::make_unique<QuestionnaireStore>(*database_);
  }

  v1::Questionnaire Content(const std::string& title = "收货满意度", int scale_items = 2) {
    v1::Questionnaire content = SampleQuestionnaire(title, scale_items);
    EXPECT_TRUE(NormalizeAndValidateContent("questionnaire", content).ok());
    return content;
  }

  static bool SameItems(const v1::Questionnaire& a, const v1::Questionnaire& b) {
    if (a.items_size() != b.items_size()) return false;
    for (int i = 0; i < a.items_size(); ++i) {
      if (!MessageDifferencer::Equals(a.items(i), b.items(i))) return false;
    }
    return true;
  }

  std::unique_ptr<QuestionnaireStore> store_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_P(QuestionnaireStoreTest, CreateStoresDraftVersionOneWithItsItems) {
  v1::Questionnaire content = Content();
  absl::StatusOr<v1::Questionnaire> created = store_->Create("post-delivery", content, now_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id(), "post-delivery");
  EXPECT_EQ(created->version(), 1);
  EXPECT_EQ(created->state(), v1::QUESTIONNAIRE_STATE_DRAFT);
  EXPECT_EQ(created->latest_version(), 1);
  EXPECT_EQ(created->latest_published_version(), 0);
  EXPECT_EQ(created->title().zh_cn(), "收货满意度");
  EXPECT_EQ(created->create_time().seconds(), 1'800'000'000);
  EXPECT_FALSE(created->etag().empty());
  EXPECT_TRUE(SameItems(*created, content));

  absl::StatusOr<v1::Questionnaire> read = store_->Get("post-delivery", 1);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*read, *created));
}

TEST_P(QuestionnaireStoreTest, DuplicateIdIsAlreadyExistsAndChangesNothing) {
  ASSERT_TRUE(store_->Create("dup", Content("first"), now_).ok());
  absl::StatusOr<v1::Questionnaire> again = store_->Create("dup", Content("second"), now_);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Get("dup", 1)->title().zh_cn(), "first");
}

TEST_P(QuestionnaireStoreTest, GetWithoutVersionNeedsAPublishedVersion) {
  ASSERT_TRUE(store_->Create("draft-only", Content(), now_).ok());
  EXPECT_EQ(store_->Get("draft-only", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("draft-only", 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("missing", 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(QuestionnaireStoreTest, UpdateDraftReplacesContentAndChangesTheEtag) {
  absl::StatusOr<v1::Questionnaire> created = store_->Create("q", Content(), now_);
  ASSERT_TRUE(created.ok());
  v1::Questionnaire replacement = Content("新标题", 4);
  absl::StatusOr<v1::Questionnaire> updated = store_->UpdateDraft(
      "q", 1, created->etag(),
      [&](v1::Questionnaire& draft) {
        *draft.mutable_title() = replacement.title();
        *draft.mutable_items() = replacement.items();
        return absl::OkStatus();
      },
      now_ + absl::Minutes(1));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title().zh_cn(), "新标题");
  EXPECT_EQ(updated->items_size(), 5);
  EXPECT_NE(updated->etag(), created->etag());
  EXPECT_EQ(updated->update_time().seconds(), 1'800'000'060);
  EXPECT_TRUE(SameItems(*store_->Get("q", 1), replacement));
}

TEST_P(QuestionnaireStoreTest, StaleEtagIsAbortedAndWritesNothing) {
  absl::StatusOr<v1::Questionnaire> created = store_->Create("q", Content(), now_);
  ASSERT_TRUE(created.ok());
  auto retitle = [](const std::string& title) {
    return [title](v1::Questionnaire& draft) {
      draft.mutable_title()->set_zh_cn(title);
      return absl::OkStatus();
    };
  };
  ASSERT_TRUE(store_->UpdateDraft("q", 0, created->etag(), retitle("one"), now_).ok());
  absl::StatusOr<v1::Questionnaire> stale = store_->UpdateDraft("q", 0, created->etag(), retitle("two"), now_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Get("q", 1)->title().zh_cn(), "one");
}

TEST_P(QuestionnaireStoreTest, EditErrorRollsBackEverything) {
  ASSERT_TRUE(store_->Create("q", Content(), now_).ok());
  absl::StatusOr<v1::Questionnaire> failed = store_->UpdateDraft(
      "q", 1, "",
      [](v1::Questionnaire& draft) {
        draft.clear_items();
        return absl::InvalidArgumentError("questionnaire.items: needs 1 to 50 items");
      },
      now_);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("q", 1)->items_size(), 3);
}

TEST_P(QuestionnaireStoreTest, PublishedVersionsNeverChange) {
  absl::StatusOr<v1::Questionnaire> created = store_->Create("q", Content(), now_);
  ASSERT_TRUE(created.ok());
  absl::StatusOr<v1::Questionnaire> published = store_->Publish("q", 0, created->etag(), now_ + absl::Hours(1));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->state(), v1::QUESTIONNAIRE_STATE_PUBLISHED);
  EXPECT_EQ(published->latest_published_version(), 1);
  EXPECT_EQ(published->publish_time().seconds(), 1'800'003'600);

  auto noop = [](v1::Questionnaire&) { return absl::OkStatus(); };
  EXPECT_EQ(store_->UpdateDraft("q", 1, "", noop, now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->UpdateDraft("q", 0, "", noop, now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Publish("q", 1, "", now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Publish("q", 0, "", now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(MessageDifferencer::Equals(*store_->Get("q", 0), *published));
}

TEST_P(QuestionnaireStoreTest, NewVersionIsADraftCopyAndTheOldOneStays) {
  ASSERT_TRUE(store_->Create("q", Content(), now_).ok());
  absl::StatusOr<v1::Questionnaire> v1 = store_->Publish("q", 1, "", now_);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(store_->CreateVersion("q", 2, now_).status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<v1::Questionnaire> v2 = store_->CreateVersion("q", 0, now_);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->state(), v1::QUESTIONNAIRE_STATE_DRAFT);
  EXPECT_EQ(v2->latest_version(), 2);
  EXPECT_EQ(v2->latest_published_version(), 1);
  EXPECT_TRUE(SameItems(*v2, *v1));
  EXPECT_EQ(store_->CreateVersion("q", 1, now_).status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(store_
                  ->UpdateDraft(
                      "q", 2, v2->etag(),
                      [](v1::Questionnaire& draft) {
                        draft.mutable_items(0)->set_weight(5);
                        return absl::OkStatus();
                      },
                      now_)
                  .ok());
  EXPECT_EQ(store_->Get("q", 0)->version(), 1) << "the draft is not what readers get";
  ASSERT_TRUE(store_->Publish("q", 2, "", now_).ok());
  EXPECT_EQ(store_->Get("q", 0)->version(), 2);
  EXPECT_EQ(store_->Get("q", 0)->items(0).weight(), 5);
  EXPECT_TRUE(SameItems(*store_->Get("q", 1), *v1));
}

TEST_P(QuestionnaireStoreTest, ArchivedQuestionnairesStayReadableButFrozen) {
  ASSERT_TRUE(store_->Create("q", Content(), now_).ok());
  ASSERT_TRUE(store_->Publish("q", 1, "", now_).ok());
  absl::StatusOr<v1::Questionnaire> archived = store_->Archive("q", now_ + absl::Hours(2));
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_EQ(archived->state(), v1::QUESTIONNAIRE_STATE_ARCHIVED);
  EXPECT_EQ(archived->archive_time().seconds(), 1'800'007'200);
  EXPECT_EQ(store_->CreateVersion("q", 0, now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Get("q", 0)->state(), v1::QUESTIONNAIRE_STATE_ARCHIVED);
  absl::StatusOr<v1::Questionnaire> again = store_->Archive("q", now_ + absl::Hours(3));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->archive_time().seconds(), 1'800'007'200) << "archiving twice keeps the first time";
  EXPECT_EQ(store_->Archive("missing", now_).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(QuestionnaireStoreTest, ListFiltersByStateAndPages) {
  // a: draft only; b: published; c: published with a newer draft; d: archived.
  for (const char* id : {"a", "b", "c", "d"}) ASSERT_TRUE(store_->Create(id, Content(id), now_).ok());
  ASSERT_TRUE(store_->Publish("b", 1, "", now_).ok());
  ASSERT_TRUE(store_->Publish("c", 1, "", now_).ok());
  ASSERT_TRUE(store_->CreateVersion("c", 0, now_).ok());
  ASSERT_TRUE(store_->Archive("d", now_).ok());

  auto ids = [&](v1::QuestionnaireState state) {
    std::vector<std::string> out;
    absl::StatusOr<QuestionnaireStore::ListPage> page = store_->List({.state = state, .limit = 10});
    EXPECT_TRUE(page.ok()) << page.status();
    for (const auto& q : page->questionnaires) out.push_back(q.id() + "@" + std::to_string(q.version()));
    return out;
  };
  EXPECT_EQ(ids(v1::QUESTIONNAIRE_STATE_UNSPECIFIED), (std::vector<std::string>{"a@1", "b@1", "c@2", "d@1"}));
  EXPECT_EQ(ids(v1::QUESTIONNAIRE_STATE_DRAFT), (std::vector<std::string>{"a@1", "c@2"}));
  EXPECT_EQ(ids(v1::QUESTIONNAIRE_STATE_PUBLISHED), (std::vector<std::string>{"b@1", "c@1"}));
  EXPECT_EQ(ids(v1::QUESTIONNAIRE_STATE_ARCHIVED), (std::vector<std::string>{"d@1"}));

  absl::StatusOr<QuestionnaireStore::ListPage> first = store_->List({.limit = 3});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->questionnaires.size(), 3u);
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->questionnaires[0].items_size(), 0) << "the basic view has no items";
  absl::StatusOr<QuestionnaireStore::ListPage> second =
      store_->List({.after_id = "c", .limit = 3, .view = v1::QUESTIONNAIRE_VIEW_FULL});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->questionnaires.size(), 1u);
  EXPECT_EQ(second->questionnaires[0].id(), "d");
  EXPECT_EQ(second->questionnaires[0].items_size(), 3);
  EXPECT_FALSE(second->has_more);
}

TEST_P(QuestionnaireStoreTest, ConcurrentEditsWithTheSameEtagLetExactlyOneWin) {
  absl::StatusOr<v1::Questionnaire> created = store_->Create("q", Content(), now_);
  ASSERT_TRUE(created.ok());
  std::atomic<int> won{0}, conflicted{0}, other{0};
  std::vector<std::thread> editors;
  for (int i = 0; i < 6; ++i) {
    editors.emplace_back([&, i] {
      absl::StatusOr<v1::Questionnaire> result = store_->UpdateDraft(
          "q", 1, created->etag(),
          [i](v1::Questionnaire& draft) {
            draft.mutable_title()->set_en("editor " + std::to_string(i));
            return absl::OkStatus();
          },
          now_);
      if (result.ok()) {
        ++won;
      } else if (result.status().code() == absl::StatusCode::kAborted) {
        ++conflicted;
      } else {
        ++other;
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (std::thread& editor : editors) editor.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), 5);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(QuestionnaireStoreTest, TemplatesAreLoadedOnceEvenByServersStartingTogether) {
  std::atomic<int> created{0};
  std::vector<std::thread> servers;
  for (int i = 0; i < 4; ++i) {
    servers.emplace_back([&] {
      absl::StatusOr<QuestionnaireStore::TemplateLoad> load =
          store_->CreatePublishedFromTemplate("post-delivery", Content(), "digest-1", now_);
      ASSERT_TRUE(load.ok()) << load.status();
      if (load->created) ++created;
    });
  }
  for (std::thread& server : servers) server.join();
  EXPECT_EQ(created.load(), 1);
  absl::StatusOr<v1::Questionnaire> loaded = store_->Get("post-delivery", 0);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->version(), 1);
  EXPECT_EQ(loaded->latest_version(), 1);
  absl::StatusOr<QuestionnaireStore::TemplateLoad> later =
      store_->CreatePublishedFromTemplate("post-delivery", Content("changed"), "digest-2", now_);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->created);
  EXPECT_EQ(later->stored_digest, "digest-1");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(QuestionnaireStoreTest);

}  // namespace
}  // namespace satisfaction::questionnaires
