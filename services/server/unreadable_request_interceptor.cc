#include "services/server/unreadable_request_interceptor.h"

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "services/access/admission.h"
#include "services/common/grpc_status.h"
#include "services/common/request_checks.h"
#include "services/common/unreadable_request.h"

namespace satisfaction::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// The request type of `method` ("/pkg.Service/Method"), or nullptr for a
// method outside the generated descriptors.
const google::protobuf::Descriptor* RequestTypeOf(const std::string& method) {
  std::string name = absl::StrReplaceAll(absl::StripPrefix(method, "/"), {{"/", "."}});
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  return descriptor == nullptr ? nullptr : descriptor->input_type();
}

class UnreadableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit UnreadableRequestInterceptor(ServerRpcInfo* info)
      : call_(info->server_context()), method_(info->method()), request_read_first_(ReadsOneRequestFirst(*info)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // gRPC has just parsed, on this thread; a field name left from another
      // parse must not outlive this one either way.
      std::string refused_field = TakeRefusedUtf8Field();
      if (request_read_first_ && methods->GetRecvMessage() == nullptr) {
        unreadable_ = true;
        refused_utf8_field_ = std::move(refused_field);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && unreadable_ &&
        !methods->GetSendStatus().ok()) {
      absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*call_);
      methods->ModifySendStatus(ToGrpcStatus(
          caller.ok() ? UnreadableRequestError(RequestTypeOf(method_), refused_utf8_field_) : caller.status()));
    }
    methods->Proceed();
  }

 private:
  const grpc::ServerContextBase* const call_;
  const std::string method_;
  const bool request_read_first_;
  bool unreadable_ = false;
  std::string refused_utf8_field_;
};

}  // namespace

grpc::experimental::Interceptor* UnreadableRequestInterceptorFactory::CreateServerInterceptor(ServerRpcInfo* info) {
  return new UnreadableRequestInterceptor(info);
}

}  // namespace satisfaction::server
