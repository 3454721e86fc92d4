#include "services/server/malloc_tuning.h"

#include <malloc.h>

#include <cstdlib>

namespace satisfaction::server {

void TuneMalloc() {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr) return;  // the operator's choice
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThresholdBytes));
}

}  // namespace satisfaction::server
