#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_STORE_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/common/flow_observer.h"
#include "services/settings/contact_policy_settings.h"
#include "services/storage/database.h"

namespace satisfaction::revisits {

// The revisits with these ids (those that exist, in id order), in the caller's
// transaction.
std::vector<v1::Revisit> LoadRevisits(storage::Transaction& tx, std::vector<long long> ids);

// Records events and the revisits the planner makes of them, in one
// transaction per event. The customer's row is locked meanwhile, so two events
// of one customer at once still keep to the contact budget together.
class RevisitStore {
 public:
  // `flow` (may be null) hears of the revisits planned.
  explicit RevisitStore(storage::Database& database, FlowObserver* flow = nullptr)
      : database_(database), flow_(flow), contact_policy_(settings::MakeContactPolicyDocument(database)) {}

  struct EventResult {
    v1::Event event;
    std::vector<v1::Revisit> revisits;
    std::vector<v1::SkippedRule> skipped;
    bool created = false;
  };
  // Records a validated event and plans its revisits. NOT_FOUND for an unknown
  // customer; an event recorded before returns its revisits (created false),
  // or FAILED_PRECONDITION if it was recorded for another customer.
  absl::StatusOr<EventResult> RecordEvent(const v1::Event& event, absl::Time now);
  // The same in the caller's transaction (an event that follows from other work).
  absl::StatusOr<EventResult> RecordEventIn(storage::Transaction& tx, const v1::Event& event, absl::Time now);

  // Periodic care: for each enabled care rule, records a care event (and so
  // plans its revisits) for up to `limit` customers of the rule's types who had
  // none within the rule's care interval. Event ids name the customer and the
  // period, so running on every server at once plans each care once. Returns
  // how many customers it handled.
  absl::StatusOr<int> PlanPeriodicCare(absl::Time now, int limit);

  // The operator's contact policy (settings_document.h), in force for events
  // recorded from the update on.
  absl::StatusOr<v1::ContactPolicy> GetContactPolicy() { return contact_policy_.Get(); }
  absl::StatusOr<v1::ContactPolicy> UpdateContactPolicy(const v1::ContactPolicy& update,
                                                        const google::protobuf::FieldMask& mask, absl::Time now) {
    return contact_policy_.Update(update, mask, now);
  }

  struct ListPage {
    std::vector<v1::Revisit> revisits;
    // Where the next page starts: after this due time and id.
    long long last_due_us = 0;
    long long last_id = 0;
    bool has_more = false;
  };
  absl::StatusOr<ListPage> ListForCustomer(absl::string_view external_id, long long after_due_us, long long after_id,
                                           int limit);

 private:
  storage::Database& database_;
  FlowObserver* const flow_;
  settings::ContactPolicyDocument contact_policy_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_STORE_H_
