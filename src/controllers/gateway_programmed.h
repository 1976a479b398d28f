#pragma once
// Whether a Gateway's data plane runs the configuration the operator rendered. The gateway agent reports on its own
// Pod, through annotations, what it has loaded:
//   flotilla.io/loaded-config-hash         the "sha256:<hex>" of the haproxy.cfg HAProxy runs
//   flotilla.io/loaded-gateway-generation  the Gateway generation that config was rendered for
//   flotilla.io/config-error               non-empty: HAProxy rejected the newest config (it keeps the old one)
//   flotilla.io/config-error-hash          the config hash that error belongs to
// (src/gateway/status_reporter.h writes them.)
// Programmed is True only when every ready gateway pod has loaded the current hash and generation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/conditions.h"
#include "controllers/gateway_conditions.h"

namespace flotilla::controllers {

inline constexpr const char* kAnnotationLoadedConfigHash = "flotilla.io/loaded-config-hash";
inline constexpr const char* kAnnotationLoadedGatewayGeneration = "flotilla.io/loaded-gateway-generation";
inline constexpr const char* kAnnotationConfigError = "flotilla.io/config-error";
inline constexpr const char* kAnnotationConfigErrorHash = "flotilla.io/config-error-hash";

struct GatewayPodReport {
  std::string name;
  bool ready = false;        // condition Ready=True and not terminating
  bool terminating = false;  // deletionTimestamp set
  std::string podIP;
  std::string loadedHash;
  std::optional<std::int64_t> loadedGeneration;
  std::string configError;
  std::string configErrorHash;  // "" = not said
};

GatewayPodReport gatewayPodReport(const nlohmann::json& pod);

struct ProgrammedState {
  Condition condition;  // type Programmed; observedGeneration left to the caller
  // What every ready pod has loaded, when they agree; nullopt when they do not (or no pod is ready).
  std::optional<std::string> loadedHash;
  std::optional<std::int64_t> loadedGeneration;
};

// `configHash` and `generation`: what the operator rendered now. Pods are taken in any order.
ProgrammedState programmedState(std::vector<GatewayPodReport> pods, const std::string& configHash,
                                std::int64_t generation);

}  // namespace flotilla::controllers
