// Shutdown lets a call in flight finish and commit, and refuses new ones. The
// call is held in flight for real: another session holds the lock it needs.
#include <grpcpp/grpcpp.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "services/storage/database.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/sample_questionnaires.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::TestBackend;

class GracefulShutdownTest : public test_support::ServiceE2eTest<v1::QuestionnaireService> {};

TEST_P(GracefulShutdownTest, CallInFlightFinishesAndCommits) {
  v1::CreateQuestionnaireRequest create;
  create.set_questionnaire_id("q");
  *create.mutable_questionnaire() = test_support::SampleQuestionnaire();
  v1::Questionnaire created;
  ASSERT_TRUE(stub_->CreateQuestionnaire(Context().get(), create, &created).ok());

  // Another session takes the lock the update needs, and keeps it until told.
  absl::StatusOr<std::unique_ptr<storage::Database>> blocker =
      storage::Database::Connect({.url = test_database_->url(), .pool_size = 1});
  ASSERT_TRUE(blocker.ok()) << blocker.status();
  absl::Notification locked, release;
  std::thread lock_holder([&] {
    absl::Status status = (*blocker)->InTransaction(storage::Access::kWrite, [&](storage::Transaction& tx) {
      soci::session& session = tx.session();
      std::string id = "q";
      int version = 0;
      if (GetParam() == TestBackend::kMariaDb) {
        session << "SELECT latest_version FROM questionnaires WHERE id = :id FOR UPDATE", soci::use(id),
            soci::into(version);
      }  // SQLite: the write transaction itself holds the database's write lock.
      locked.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  locked.WaitForNotification();

  grpc::Status update_status;
  std::thread in_flight([&] {
    v1::UpdateQuestionnaireDraftRequest update;
    update.mutable_questionnaire()->set_id("q");
    update.mutable_questionnaire()->mutable_title()->set_zh_cn("关机前的修改");
    update.mutable_update_mask()->add_paths("title");
    v1::Questionnaire updated;
    update_status = stub_->UpdateQuestionnaireDraft(Context().get(), update, &updated);
  });
  absl::SleepFor(absl::Seconds(1));  // let the update reach the lock and wait there

  std::thread shutdown([&] { server_->server().Shutdown(absl::Seconds(30)); });
  absl::SleepFor(absl::Milliseconds(500));
  v1::GetQuestionnaireRequest get;
  get.set_id("q");
  get.set_version(1);
  v1::Questionnaire read;
  grpc::Status new_call = stub_->GetQuestionnaire(Context(absl::Seconds(5)).get(), get, &read);
  EXPECT_FALSE(new_call.ok()) << "a server shutting down takes no new calls";

  release.Notify();
  lock_holder.join();
  in_flight.join();
  shutdown.join();
  EXPECT_TRUE(update_status.ok()) << update_status.error_message();

  std::string title;
  ASSERT_TRUE((*blocker)
                  ->InTransaction(storage::Access::kRead,
                                  [&](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    session << "SELECT title_zh_cn FROM questionnaire_versions"
                                               " WHERE questionnaire_id = 'q' AND version = 1",
                                        soci::into(title);
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_EQ(title, "关机前的修改") << "the call answered OK was committed";
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(GracefulShutdownTest);

}  // namespace
}  // namespace satisfaction
