#pragma once
// The agent's side of the contract with the operator's Gateway controller (docs/gateway.md): what this pod has
// loaded, written as annotations of its own Pod with a JSON merge patch:
//   flotilla.io/loaded-config-hash         the ConfigMap's flotilla.io/config-hash now serving
//   flotilla.io/loaded-gateway-generation  the Gateway generation that config was rendered from
//   flotilla.io/config-error               HAProxy's [ALERT] lines for a config that was not loaded (≤ ~1 KiB);
//                                          removed when the latest config loaded
//   flotilla.io/config-error-hash          the flotilla.io/config-hash that error belongs to
//   flotilla.io/open-circuits              the circuits that are not closed (render/circuit_report.h); removed
//                                          when there are none
// Patching happens on a thread of its own with retries, so a slow or unreachable API server never delays a reload;
// only the latest status is sent.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "kube/client.h"
#include "observability/logging.h"
#include "render/circuit_report.h"

namespace flotilla::gateway {

inline constexpr const char* kAnnotationLoadedConfigHash = "flotilla.io/loaded-config-hash";
inline constexpr const char* kAnnotationLoadedGatewayGeneration = "flotilla.io/loaded-gateway-generation";
inline constexpr const char* kAnnotationConfigError = "flotilla.io/config-error";
inline constexpr const char* kAnnotationConfigErrorHash = "flotilla.io/config-error-hash";

struct LoadedStatus {
  std::string loadedHash;
  std::string loadedGeneration;
  std::string error;              // "" = the latest config is loaded
  std::string errorHash;          // the rejected config's hash
  std::string openCircuits = {};  // render::encodeOpenCircuits; "" = none
  bool operator==(const LoadedStatus&) const = default;
};

// The merge patch {"metadata":{"annotations":{...}}}; empty values become null (annotation removed). Pure.
nlohmann::json statusPatch(const LoadedStatus& status);

class StatusReporter {
 public:
  // An empty `podName` disables reporting (a local run outside a pod).
  StatusReporter(std::shared_ptr<kube::Client> client, std::string podNamespace, std::string podName,
                 std::chrono::milliseconds retryDelay = std::chrono::seconds(2));
  ~StatusReporter();
  StatusReporter(const StatusReporter&) = delete;
  StatusReporter& operator=(const StatusReporter&) = delete;

  bool enabled() const { return !podName_.empty(); }
  // Queues `status`; a no-op when it equals what was last queued.
  void publish(const LoadedStatus& status);
  // Whether the last queued status has reached the API server.
  bool upToDate() const;

 private:
  void run(std::stop_token stop);

  std::shared_ptr<kube::Client> client_;
  const std::string podNamespace_;
  const std::string podName_;
  const std::chrono::milliseconds retryDelay_;
  const observability::Logger log_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::optional<LoadedStatus> wanted_;
  std::optional<LoadedStatus> sent_;
  std::jthread thread_;
};

}  // namespace flotilla::gateway
