#pragma once
// Liveness (/healthz) and readiness (/readyz) checks, answered the way Kubernetes components answer them:
// 200 "ok" when every check passes, 500 listing each check ("[+]name ok" / "[-]name failed: reason") when one
// fails; `?verbose` lists every check even when all pass; `/readyz/<name>` runs one check.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observability/endpoint_server.h"

namespace flotilla::observability {

// --health-probe-bind-address default, as controller-runtime's.
inline constexpr const char* kDefaultHealthProbeBindAddress = ":8081";

class HealthChecks {
 public:
  // std::nullopt: healthy. Otherwise the reason it is not. Checks run on server threads: thread-safe and quick.
  using Check = std::function<std::optional<std::string>()>;

  HealthChecks();  // liveness starts with "ping", which always passes

  void addReadinessCheck(std::string name, Check check);
  void addLivenessCheck(std::string name, Check check);

  // The HTTP answer for /readyz or /healthz. `only` selects one check by name (404 if unknown).
  EndpointResponse readiness(bool verbose, std::string_view only = {}) const;
  EndpointResponse liveness(bool verbose, std::string_view only = {}) const;

 private:
  using Named = std::vector<std::pair<std::string, Check>>;
  EndpointResponse evaluate(const Named& checks, const char* what, bool verbose, std::string_view only) const;

  mutable std::mutex mutex_;
  Named readiness_;
  Named liveness_;
};

// Serves /healthz, /livez (same checks) and /readyz from `checks`, which must outlive the server.
StartedServer startHealthServer(const std::string& bindAddress, const HealthChecks& checks);

}  // namespace flotilla::observability
