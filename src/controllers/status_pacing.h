#pragma once
// Paces a Microservice's progress-only status writes. While a Deployment rolls out, its status moves several times
// (observed, pods created, ready, available) and each move changed the Microservice's counts and messages: 4.1
// status writes per Microservice converging in a bulk of 1,000 (bench/operator_scale.sh), each one a request and
// a watch event for every client. A status whose headline conditions flip (Ready False → True, Degraded on a
// failure) or that is the first for a generation goes out at once: `kubectl wait --for=condition=Ready` and alerts
// see it without delay. One that only moves counts, messages and the Deployment-mirroring conditions (Available,
// Progressing, which step through Unknown → False → True on the way) is written no sooner than `interval` after the
// object's last status write, and then carries the newest state. A held write is never lost: the reconcile asks to
// run again when it is due.

#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "runtime/clock.h"

namespace flotilla::controllers {

// The conditions whose flips are written at once.
inline constexpr const char* kHeadlineConditions[] = {"Ready", "Degraded"};

// True when `next` differs from `previous` in nothing but progress: the same observedGeneration and the same
// statuses of the headline conditions, present in both. Reasons, messages, counts and the other conditions may
// differ. (Pure.)
bool isProgressOnly(const nlohmann::json& previous, const nlohmann::json& next);

class StatusPacer {
 public:
  StatusPacer(runtime::Duration interval, const runtime::Clock& clock) : interval_(interval), clock_(clock) {}

  // Zero when `next` may be written over `previous` now; otherwise how long to wait.
  runtime::Duration holdBack(const std::string& key, const nlohmann::json& previous, const nlohmann::json& next);
  // Records that a status of `key` was just written.
  void written(const std::string& key);

 private:
  void forgetExpiredLocked(runtime::TimePoint now);

  const runtime::Duration interval_;
  const runtime::Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, runtime::TimePoint> lastWrite_;  // only writes younger than interval_ matter
};

}  // namespace flotilla::controllers
