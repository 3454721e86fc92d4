#ifndef SATISFACTION_SERVICES_RPC_ADMITTED_SERVICE_H_
#define SATISFACTION_SERVICES_RPC_ADMITTED_SERVICE_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/method_handler.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/sync_stream.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/access.pb.h"
#include "services/access/access_policy.h"
#include "services/common/handler_io.h"
#include "services/rpc/call_gate.h"
#include "services/rpc/grpc_streams.h"

namespace satisfaction::rpc {

// The shapes of handler a method may have. Handlers are plain functions of
// the admitted caller and the request: the adapter has already admitted the
// call, read its request and checked that the caller still waits; it maps the
// outcome to the client's status, audits and logs the call.
template <typename Request, typename Response>
using UnaryHandler = std::function<absl::StatusOr<Response>(const access::Caller&, const Request&)>;

// A unary method whose policy says audited_in_write, answered on its thread:
// the handler writes the call's audit event with its data (see AuditInWrite).
template <typename Request, typename Response>
using AuditedUnaryHandler =
    std::function<absl::StatusOr<Response>(const access::Caller&, const Request&, AuditInWrite& audit)>;

template <typename Request, typename Response>
using ServerStreamHandler =
    std::function<absl::Status(const access::Caller&, const Request&, MessageWriter<Response>&)>;

template <typename Request, typename Response>
using ClientStreamHandler = std::function<absl::StatusOr<Response>(const access::Caller&, MessageReader<Request>&)>;

// A unary method answered later through `done` (see Done). `audit_event` is
// set for calls audited_in_write, for the handler to write with its data.
template <typename Request, typename Response>
using AsyncUnaryHandler = std::function<void(const access::Caller&, const Request&,
                                             std::optional<v1::AuditEvent> audit_event, Done<Response> done)>;

// A gRPC service whose every method goes through the CallGate: the only kind
// of service the server registers, so that no method can skip admission.
// Built from the service's descriptor; each method is bound once, with the
// request and response types the descriptor names (a mismatch is a
// programming error and aborts at start-up).
class AdmittedService final : public grpc::Service {
 public:
  // `full_name` ("satisfaction.v1.CustomerService") must be a generated service.
  AdmittedService(absl::string_view full_name, CallGate& gate);

  const std::string& full_name() const { return descriptor_.full_name(); }

  template <typename Request, typename Response>
  AdmittedService& Unary(absl::string_view method, UnaryHandler<Request, Response> handler);
  template <typename Request, typename Response>
  AdmittedService& AuditedUnary(absl::string_view method, AuditedUnaryHandler<Request, Response> handler);
  template <typename Request, typename Response>
  AdmittedService& AsyncUnary(absl::string_view method, AsyncUnaryHandler<Request, Response> handler);
  template <typename Request, typename Response>
  AdmittedService& ServerStream(absl::string_view method, ServerStreamHandler<Request, Response> handler);
  template <typename Request, typename Response>
  AdmittedService& ClientStream(absl::string_view method, ClientStreamHandler<Request, Response> handler);

  // The same, for a handler that is a member function of `service`:
  //   Unary("GetCustomer", customers, &CustomerService::GetCustomer)
  template <typename Service, typename Request, typename Response>
  AdmittedService& Unary(absl::string_view method, Service& service,
                         absl::StatusOr<Response> (Service::*handler)(const access::Caller&, const Request&)) {
    return Unary<Request, Response>(method, [&service, handler](const access::Caller& caller, const Request& request) {
      return (service.*handler)(caller, request);
    });
  }
  template <typename Service, typename Request, typename Response>
  AdmittedService& AuditedUnary(absl::string_view method, Service& service,
                                absl::StatusOr<Response> (Service::*handler)(const access::Caller&, const Request&,
                                                                             AuditInWrite&)) {
    return AuditedUnary<Request, Response>(
        method, [&service, handler](const access::Caller& caller, const Request& request, AuditInWrite& audit) {
          return (service.*handler)(caller, request, audit);
        });
  }
  template <typename Service, typename Request, typename Response>
  AdmittedService& AsyncUnary(absl::string_view method, Service& service,
                              void (Service::*handler)(const access::Caller&, const Request&,
                                                       std::optional<v1::AuditEvent>, Done<Response>)) {
    return AsyncUnary<Request, Response>(
        method, [&service, handler](const access::Caller& caller, const Request& request,
                                    std::optional<v1::AuditEvent> audit_event, Done<Response> done) {
          (service.*handler)(caller, request, std::move(audit_event), std::move(done));
        });
  }
  template <typename Service, typename Request, typename Response>
  AdmittedService& ServerStream(absl::string_view method, Service& service,
                                absl::Status (Service::*handler)(const access::Caller&, const Request&,
                                                                 MessageWriter<Response>&)) {
    return ServerStream<Request, Response>(
        method,
        [&service, handler](const access::Caller& caller, const Request& request, MessageWriter<Response>& writer) {
          return (service.*handler)(caller, request, writer);
        });
  }
  template <typename Service, typename Request, typename Response>
  AdmittedService& ClientStream(absl::string_view method, Service& service,
                                absl::StatusOr<Response> (Service::*handler)(const access::Caller&,
                                                                             MessageReader<Request>&)) {
    return ClientStream<Request, Response>(
        method, [&service, handler](const access::Caller& caller, MessageReader<Request>& reader) {
          return (service.*handler)(caller, reader);
        });
  }

  // The service's methods no handler was bound to; the server refuses to
  // start with any.
  std::vector<std::string> UnboundMethods() const;
  // The paths ("/satisfaction.v1.X/Method") of the methods bound.
  std::vector<std::string> BoundMethods() const;

 private:
  enum class Shape { kUnary, kServerStream, kClientStream };
  // Checks `method` against the descriptor, and that its handler writes the
  // call's audit event exactly when its policy says audited_in_write; then
  // remembers it as bound.
  const MethodInfo& Bind(absl::string_view method, const google::protobuf::Descriptor* request,
                         const google::protobuf::Descriptor* response, Shape shape, bool writes_audit_event);
  template <typename Request, typename Response>
  AdmittedService& BindUnary(absl::string_view method, AuditedUnaryHandler<Request, Response> handler,
                             bool writes_audit_event);

  // Admits the call and reads its request: OK, or why the handler must not run.
  static absl::Status Begin(GatedCall& call, const grpc::ServerContextBase& context, const grpc::ByteBuffer& bytes,
                            google::protobuf::Message& request);
  // Closes the call on this thread (waiting for the audit log) and serializes
  // `reply` if the client is told OK.
  grpc::Status End(GatedCall& call, const absl::Status& outcome, const google::protobuf::Message& reply,
                   grpc::ByteBuffer* reply_bytes);
  // Admits the call through the gate, and tells the client its request id.
  GatedCall Admit(const MethodInfo& method, grpc::ServerContextBase& context);

  const google::protobuf::ServiceDescriptor& descriptor_;
  CallGate& gate_;
  // Stable addresses: gRPC keeps each method's path as a C string, and calls
  // refer to their MethodInfo.
  std::deque<MethodInfo> methods_;
  int method_count_ = 0;
};

template <typename Request, typename Response>
AdmittedService& AdmittedService::Unary(absl::string_view name, UnaryHandler<Request, Response> handler) {
  return BindUnary<Request, Response>(
      name,
      [handler = std::move(handler)](const access::Caller& caller, const Request& request, AuditInWrite&) {
        return handler(caller, request);
      },
      /*writes_audit_event=*/false);
}

template <typename Request, typename Response>
AdmittedService& AdmittedService::AuditedUnary(absl::string_view name, AuditedUnaryHandler<Request, Response> handler) {
  return BindUnary<Request, Response>(name, std::move(handler), /*writes_audit_event=*/true);
}

template <typename Request, typename Response>
AdmittedService& AdmittedService::BindUnary(absl::string_view name, AuditedUnaryHandler<Request, Response> handler,
                                            bool writes_audit_event) {
  const MethodInfo& method =
      Bind(name, Request::descriptor(), Response::descriptor(), Shape::kUnary, writes_audit_event);
  AddMethod(new grpc::internal::RpcServiceMethod(
      method.path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<AdmittedService, grpc::ByteBuffer, grpc::ByteBuffer>(
          [&method, handler = std::move(handler)](AdmittedService* service, grpc::ServerContext* context,
                                                  const grpc::ByteBuffer* request_bytes,
                                                  grpc::ByteBuffer* reply_bytes) {
            GatedCall call = service->Admit(method, *context);
            Request request;
            Response reply;
            absl::Status outcome = Begin(call, *context, *request_bytes, request);
            if (outcome.ok()) {
              AuditInWrite audit(call.PendingAuditEvent());
              absl::StatusOr<Response> result = handler(*call.admission(), request, audit);
              if (audit.written()) call.MarkAuditedWithWrite();
              if (result.ok()) {
                reply = *std::move(result);
                call.WillReply(reply);
              } else {
                outcome = result.status();
              }
            }
            return service->End(call, outcome, reply, reply_bytes);
          },
          this)));
  ++method_count_;
  return *this;
}

template <typename Request, typename Response>
AdmittedService& AdmittedService::AsyncUnary(absl::string_view name, AsyncUnaryHandler<Request, Response> handler) {
  const MethodInfo& method = Bind(name, Request::descriptor(), Response::descriptor(), Shape::kUnary,
                                  /*writes_audit_event=*/true);
  AddMethod(new grpc::internal::RpcServiceMethod(method.path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
  MarkMethodCallback(
      method_count_++,
      new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
          [this, &method, handler = std::move(handler)](grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request_bytes,
                                                        grpc::ByteBuffer* reply_bytes) {
            grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
            // The call and its request live until the answer is sent: the
            // handler may keep a reference to the request until it answers.
            struct Pending {
              GatedCall call;
              Request request;
              Response reply;
            };
            auto pending = std::make_shared<Pending>(Pending{Admit(method, *context), Request(), Response()});
            auto finish = [this, pending, reactor, reply_bytes](const absl::Status& outcome) {
              gate_.Close(pending->call, outcome, [pending, reactor, reply_bytes](grpc::Status sent) {
                if (sent.ok()) sent = SerializeReply(pending->reply, reply_bytes);
                reactor->Finish(sent);
              });
            };
            if (absl::Status outcome = Begin(pending->call, *context, *request_bytes, pending->request);
                !outcome.ok()) {
              finish(outcome);
              return reactor;
            }
            handler(*pending->call.admission(), pending->request, pending->call.PendingAuditEvent(),
                    [pending, finish](absl::StatusOr<Response> result, bool audit_event_written) mutable {
                      if (audit_event_written) pending->call.MarkAuditedWithWrite();
                      if (!result.ok()) return finish(result.status());
                      pending->reply = *std::move(result);
                      pending->call.WillReply(pending->reply);
                      finish(absl::OkStatus());
                    });
            return reactor;
          }));
  return *this;
}

template <typename Request, typename Response>
AdmittedService& AdmittedService::ServerStream(absl::string_view name, ServerStreamHandler<Request, Response> handler) {
  const MethodInfo& method = Bind(name, Request::descriptor(), Response::descriptor(), Shape::kServerStream, false);
  AddMethod(new grpc::internal::RpcServiceMethod(
      method.path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING,
      new grpc::internal::ServerStreamingHandler<AdmittedService, grpc::ByteBuffer, grpc::ByteBuffer>(
          [&method, handler = std::move(handler)](AdmittedService* service, grpc::ServerContext* context,
                                                  const grpc::ByteBuffer* request_bytes,
                                                  grpc::ServerWriter<grpc::ByteBuffer>* writer) {
            GatedCall call = service->Admit(method, *context);
            Request request;
            absl::Status outcome = Begin(call, *context, *request_bytes, request);
            if (outcome.ok()) {
              GrpcMessageWriter<Response> messages(*context, *writer);
              outcome = handler(*call.admission(), request, messages);
            }
            return service->End(call, outcome, Response(), nullptr);
          },
          this)));
  ++method_count_;
  return *this;
}

template <typename Request, typename Response>
AdmittedService& AdmittedService::ClientStream(absl::string_view name, ClientStreamHandler<Request, Response> handler) {
  const MethodInfo& method = Bind(name, Request::descriptor(), Response::descriptor(), Shape::kClientStream, false);
  AddMethod(new grpc::internal::RpcServiceMethod(
      method.path.c_str(), grpc::internal::RpcMethod::CLIENT_STREAMING,
      new grpc::internal::ClientStreamingHandler<AdmittedService, grpc::ByteBuffer, grpc::ByteBuffer>(
          [&method, handler = std::move(handler)](AdmittedService* service, grpc::ServerContext* context,
                                                  grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                  grpc::ByteBuffer* reply_bytes) {
            GatedCall call = service->Admit(method, *context);
            Response reply;
            absl::Status outcome = call.admission().status();
            if (outcome.ok()) outcome = CheckCallerStillWaiting(*context);
            if (outcome.ok()) {
              GrpcMessageReader<Request> messages(*context, *reader);
              absl::StatusOr<Response> result = handler(*call.admission(), messages);
              if (result.ok()) {
                reply = *std::move(result);
              } else {
                outcome = result.status();
              }
            }
            return service->End(call, outcome, reply, reply_bytes);
          },
          this)));
  ++method_count_;
  return *this;
}

}  // namespace satisfaction::rpc

#endif  // SATISFACTION_SERVICES_RPC_ADMITTED_SERVICE_H_
