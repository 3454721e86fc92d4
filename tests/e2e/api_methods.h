#ifndef SATISFACTION_TESTS_E2E_API_METHODS_H_
#define SATISFACTION_TESTS_E2E_API_METHODS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace satisfaction::test_support {

// Every method of every service our .proto files declare (those under
// satisfaction/ compiled into this binary), found in protobuf's generated
// descriptors: a method added to the API is covered without a test change.
inline std::vector<const google::protobuf::MethodDescriptor*> ApiMethodDescriptors() {
  std::vector<std::string> files;
  google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files);
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const std::string& name : files) {
    if (!absl::StartsWith(name, "satisfaction/")) continue;
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) methods.push_back(file->service(s)->method(m));
    }
  }
  return methods;
}

// The path a call to `method` goes to: "/satisfaction.v1.Service/Method".
inline std::string MethodPath(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_API_METHODS_H_
