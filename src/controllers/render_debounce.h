#pragma once
// When a Gateway's re-render runs after a change of something it is rendered from (a Route, BreakerPolicy,
// Microservice or Namespace). A lone change renders at once: waiting would only add its delay to every Route
// apply (a fixed 200 ms debounce was most of the Route-change latency). A change arriving within `window` of the
// previous one for the same Gateway is part of a burst (`kubectl apply -f` of many Routes): it waits `window`, and
// the delaying queue keeps the earliest deadline, so a burst renders about once per window instead of once per
// object.

#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/clock.h"

namespace flotilla::controllers {

class RenderDebounce {
 public:
  explicit RenderDebounce(runtime::Duration window, const runtime::Clock& clock = runtime::realClock());

  // How long the re-render of `gatewayKey` waits for a change seen now: 0 when idle, else the window.
  // Thread-safe: informers of several types call it.
  runtime::Duration delayFor(const std::string& gatewayKey);

 private:
  const runtime::Duration window_;
  const runtime::Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, runtime::TimePoint> lastChange_;
};

}  // namespace flotilla::controllers
