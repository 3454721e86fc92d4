#ifndef SATISFACTION_SERVICES_ACCESS_ACCESS_POLICY_H_
#define SATISFACTION_SERVICES_ACCESS_ACCESS_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/access.pb.h"

namespace satisfaction::access {

// Who makes a call: the API key it carries, as the server knows it.
struct Caller {
  std::string key_id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // Dialer keys may be bound to one queue or one agent; empty: any.
  std::string queue;
  std::string agent_id;
  // Calls a minute; 0: the server's default.
  int rate_limit_per_minute = 0;
};

// What a call does, for the audit log: every write and export is recorded.
enum class CallKind { kRead, kWrite, kExport };

struct MethodPolicy {
  // The roles that may call the method (admin may call everything).
  std::vector<v1::Role> roles;
  CallKind kind = CallKind::kRead;
  // Request fields (dotted paths) naming what the call is about; the first one
  // set is the audit log's resource.
  std::vector<std::string> resource_fields;
  // The resource is a phone number: the audit log keeps it masked.
  bool resource_is_contact = false;
  // Fetches: the reply's repeated field of what the call claimed. The audited
  // resource is then the ids claimed (whose contact details the caller got),
  // and a fetch that claimed nothing is not audited: dialers and gateways
  // poll every few seconds.
  std::string claimed_field;
  // The handler writes the call's audit event in the write's own transaction
  // (see PendingAuditEvent), so that a write answered OK is never missing from
  // the log; the interceptor records only the calls it did not.
  bool audited_in_write = false;
};

// The policy of a full method name ("/satisfaction.v1.CustomerService/GetCustomer"),
// or nullptr if the method is not in the table.
const MethodPolicy* FindMethodPolicy(absl::string_view method);

// Every method in the table, for tests and documentation.
std::vector<std::string> PolicyMethods();

// Methods anyone may call without a key: health checks and server reflection.
bool IsOpenMethod(absl::string_view method);

// OK if `caller` may call `method`; PERMISSION_DENIED naming the role and
// the method otherwise, also for a method the table does not know.
absl::Status Authorize(const Caller& caller, absl::string_view method);

// Rules that depend on the request, beyond its method.

// SubmitResponse: gateways (and admins) submit by invitation, dialers (and
// admins) by callback.
enum class SubmissionSource { kInvitation, kCallback };
absl::Status AuthorizeSubmission(const Caller& caller, SubmissionSource source);

// A dialer key bound to a queue or an agent fetches and watches only that
// queue's or agent's callbacks: `queue` and `agent_id` (request fields of those
// names) must match its binding.
absl::Status CheckBinding(const Caller& caller, absl::string_view queue, absl::string_view agent_id);

// A key bound to an agent reports calls and takes answers only as that agent:
// `agent_id`, when set, must be it (empty means the lease's holder).
absl::Status CheckReportingAgent(const Caller& caller, absl::string_view agent_id);

// Whether answers to `caller` may carry customers' phone numbers, email
// addresses and IM handles unmasked. Dialers get the number they dial and
// gateways the address they send to; operators see them masked.
bool SeesContactDetails(const Caller& caller);

// The role's name as the API spells it, lower case: "admin", "dialer", ...
std::string RoleName(v1::Role role);

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_ACCESS_POLICY_H_
