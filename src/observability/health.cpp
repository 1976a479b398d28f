#include "observability/health.h"

namespace flotilla::observability {
namespace {

bool hasVerbose(const std::string& query) {
  // "verbose", "verbose=1", "a=b&verbose"...
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string param = query.substr(start, end - start);
    if (param == "verbose" || param.rfind("verbose=", 0) == 0) return true;
    start = end + 1;
  }
  return false;
}

// "/readyz/informers" → "informers"; "/readyz" → "".
std::string checkName(const std::string& path, const std::string& prefix) {
  if (path.size() <= prefix.size() + 1) return {};
  return path.substr(prefix.size() + 1);
}

}  // namespace

HealthChecks::HealthChecks() {
  liveness_.emplace_back("ping", [] { return std::optional<std::string>(); });
}

void HealthChecks::addReadinessCheck(std::string name, Check check) {
  std::lock_guard lock(mutex_);
  readiness_.emplace_back(std::move(name), std::move(check));
}

void HealthChecks::addLivenessCheck(std::string name, Check check) {
  std::lock_guard lock(mutex_);
  liveness_.emplace_back(std::move(name), std::move(check));
}

EndpointResponse HealthChecks::readiness(bool verbose, std::string_view only) const {
  std::lock_guard lock(mutex_);
  return evaluate(readiness_, "readyz", verbose, only);
}

EndpointResponse HealthChecks::liveness(bool verbose, std::string_view only) const {
  std::lock_guard lock(mutex_);
  return evaluate(liveness_, "healthz", verbose, only);
}

EndpointResponse HealthChecks::evaluate(const Named& checks, const char* what, bool verbose,
                                        std::string_view only) const {
  if (!only.empty()) {
    for (const auto& [name, check] : checks) {
      if (name != only) continue;
      auto failure = check();
      if (!failure) return {200, "text/plain; charset=utf-8", "ok"};
      return {500, "text/plain; charset=utf-8", "internal server error: " + *failure + "\n"};
    }
    return {404, "text/plain; charset=utf-8",
            "no " + std::string(what) + " check named \"" + std::string(only) + "\"\n"};
  }
  std::string lines;
  bool healthy = true;
  for (const auto& [name, check] : checks) {
    auto failure = check();
    if (failure) {
      healthy = false;
      lines += "[-]" + name + " failed: " + *failure + "\n";
    } else {
      lines += "[+]" + name + " ok\n";
    }
  }
  if (healthy && !verbose) return {200, "text/plain; charset=utf-8", "ok"};
  lines += std::string(what) + (healthy ? " check passed\n" : " check failed\n");
  return {healthy ? 200 : 500, "text/plain; charset=utf-8", lines};
}

StartedServer startHealthServer(const std::string& bindAddress, const HealthChecks& checks) {
  auto liveness = [&checks](const std::string& prefix) {
    return [&checks, prefix](const EndpointRequest& r) {
      return checks.liveness(hasVerbose(r.query), checkName(r.path, prefix));
    };
  };
  return EndpointServer::start(bindAddress, {{"/healthz", liveness("/healthz")},
                                             {"/livez", liveness("/livez")},
                                             {"/readyz", [&checks](const EndpointRequest& r) {
                                                return checks.readiness(hasVerbose(r.query),
                                                                        checkName(r.path, "/readyz"));
                                              }}});
}

}  // namespace flotilla::observability
