#pragma once
// Bounded polling for conditions other threads make true.

#include <chrono>
#include <thread>

namespace flotilla::runtime::testing {

// Polls `condition` (real time, 1 ms steps) until it holds or `bound` passes; returns whether it held.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds bound = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace flotilla::runtime::testing
