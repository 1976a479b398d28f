#pragma once
// Shared fixtures for the render tests: CRs decoded from JSON with the real parser (so defaults are applied as in
// production), the shop example as GatewayInputs, and a runner for the real `haproxy -c`.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/types.h"
#include "render/gateway_inputs.h"

namespace flotilla::render::testing {

api::Microservice microservice(const nlohmann::json& object);
api::Route route(const nlohmann::json& object);
api::BreakerPolicy breakerPolicy(const nlohmann::json& object);
api::Gateway gateway(const nlohmann::json& object);

// A Microservice `name` in `ns` with one port "http" 8080 and `replicas`.
nlohmann::json microserviceJson(const std::string& ns, const std::string& name, int replicas = 2);
// A Route in `ns` attached to Gateway shop/public, with the given hostnames, rules and creation time.
nlohmann::json routeJson(const std::string& ns, const std::string& name, const std::vector<nlohmann::json>& rules,
                         const std::vector<std::string>& hostnames = {},
                         const std::string& creationTimestamp = "2024-01-01T00:00:00Z");
// One rule: a PathPrefix match on `prefix` to `service`.
nlohmann::json prefixRule(const std::string& prefix, const std::string& service);

// The shop (examples/shop): Gateway shop/public (listener http 80), user-service (+ user-service-v2 at 10 %),
// order-service (autoscaling 2-10), payment-service (2 retries, 2 s timeout), BreakerPolicy default-breaker.
GatewayInputs shopInputs();

// A unique scratch directory, removed with everything in it at scope exit.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;  // returns the file's path

 private:
  std::string path_;
};

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout + stderr
};

// Runs a shell command line (test helper only; arguments must be trusted).
CommandResult runCommand(const std::string& commandLine);

// `haproxy -c -f <file>` on `config`, with FLOTILLA_* environment variables (e.g. FLOTILLA_CERT_DIR) set.
CommandResult haproxyCheck(const std::string& config, const std::map<std::string, std::string>& environment = {});

// The `http-request set-var(txn.route) str(KEY)` keys in config order (the order HAProxy evaluates them).
std::vector<std::string> routeDecisionOrder(const std::string& config);

}  // namespace flotilla::render::testing
