#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_SERVICE_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_SERVICE_H_

#include "satisfaction/v1/revisit.grpc.pb.h"
#include "services/revisits/revisit_store.h"

namespace satisfaction::revisits {

// Checks an event as a shop reports it. INVALID_ARGUMENT names the field.
absl::Status ValidateEvent(const v1::Event& event, absl::Time now);

// The gRPC face of events and revisits.
class RevisitService final : public v1::RevisitService::Service {
 public:
  explicit RevisitService(RevisitStore& store) : store_(store) {}

  grpc::Status RecordEvent(grpc::ServerContext* context, const v1::RecordEventRequest* request,
                           v1::RecordEventResponse* response) override;
  grpc::Status ListRevisits(grpc::ServerContext* context, const v1::ListRevisitsRequest* request,
                            v1::ListRevisitsResponse* response) override;

 private:
  RevisitStore& store_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_SERVICE_H_
