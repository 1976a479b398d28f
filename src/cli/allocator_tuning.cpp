#include "cli/allocator_tuning.h"

#include <malloc.h>

#include <condition_variable>
#include <mutex>

namespace flotilla::cli {

AllocatorTuning::AllocatorTuning(std::chrono::seconds trimPeriod) {
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  trimmer_ = std::jthread([trimPeriod](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, stop, trimPeriod, [] { return false; })) {
      if (stop.stop_requested()) return;
      malloc_trim(0);
    }
  });
}

}  // namespace flotilla::cli
