#ifndef SATISFACTION_SERVICES_SERVER_VERSION_H_
#define SATISFACTION_SERVICES_SERVER_VERSION_H_

namespace satisfaction::server {

// The project's version (CMake's PROJECT_VERSION): --version and satisfaction_build_info.
inline constexpr char kServerVersion[] = SATISFACTION_VERSION;

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_VERSION_H_
