#pragma once
// glibc malloc settings for the long-running operator. Its allocations come from many threads (reflectors, workers,
// the HTTP client's pool); by default glibc gives each thread its own arena (up to 8 per core), and freed memory
// stays in the arena it came from. After a bulk of objects converged that held most of the operator's RSS
// (bench/operator_scale.sh: 156 MiB at 1,000 Microservices + Routes, of which the caches were ~32 MiB).
// glibc also raises its mmap threshold to the size of the largest block freed so far (up to 32 MiB): after a rendered
// gateway config or a large LIST response of a few MiB, such blocks came from the heap, where they fragment it and
// stay. A fixed threshold keeps large blocks in their own mappings, returned to the kernel when freed (VmHWM at 1k:
// 91 → 78 MiB).

#include <chrono>
#include <stop_token>
#include <thread>

namespace flotilla::cli {

class AllocatorTuning {
 public:
  // Caps the arenas at two and fixes the mmap threshold at 256 KiB (call before starting threads) and, every
  // `trimPeriod`, returns free heap pages to the kernel (malloc_trim), so the RSS follows the live data after a
  // burst instead of its high-water mark.
  explicit AllocatorTuning(std::chrono::seconds trimPeriod = std::chrono::seconds(30));

 private:
  std::jthread trimmer_;
};

}  // namespace flotilla::cli
