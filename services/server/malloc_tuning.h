#ifndef SATISFACTION_SERVICES_SERVER_MALLOC_TUNING_H_
#define SATISFACTION_SERVICES_SERVER_MALLOC_TUNING_H_

#include <cstddef>

namespace satisfaction::server {

// Allocations from this size up get pages of their own, returned to the
// system when freed.
inline constexpr size_t kMmapThresholdBytes = 128 * 1024;

// Keeps glibc from holding on to the memory of large requests.
//
// glibc serves allocations of 128 KiB and more with mmap, but when it frees
// one it raises that threshold to the freed size (up to 32 MiB), so later
// large buffers (a request of a megabyte, its parsed strings) come from the
// per-thread arenas, where the space they leave behind stays resident. Under
// malformed traffic with large requests that took the server from 27 MB to
// over 300 MB, still growing. Fixing the threshold (which also stops its
// adjustment) keeps large buffers mapped; the server then stays near 40 MB.
//
// Call first thing in main, before any thread starts. MALLOC_MMAP_THRESHOLD_
// in the environment, if set, wins.
void TuneMalloc();

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_MALLOC_TUNING_H_
