#pragma once
// What `flotilla echo` answers, separated from the sockets so it can be tested as a plain function.
// The echo backend stands in for a real microservice in tests and the demo: it tells the caller which service and
// pod served it, echoes what arrived (path, headers), and can be told to fail or slow down — per request (/fail,
// /slow) or for a while (env at start, POST /control at run time) — which is what breaker and timeout tests need.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

// Failure behaviour that can change while the server runs.
struct EchoSettings {
  double failureRate = 0.0;    // 0..1: share of ordinary requests answered with failStatus
  std::int64_t latencyMs = 0;  // added before answering every ordinary request
  bool healthy = true;         // false: /healthz answers 503
  int failStatus = 500;        // status of injected failures

  nlohmann::json toJson() const;
  bool operator==(const EchoSettings&) const = default;
};

// Applies the fields present in `patch` ({"failureRate":1,"latencyMs":0,"healthy":false,"failStatus":503}) to
// `settings`. Returns an error message (and leaves `settings` unchanged) when a field has the wrong type or range.
std::optional<std::string> applyEchoSettingsPatch(const nlohmann::json& patch, EchoSettings& settings);

// Reads ECHO_FAILURE_RATE, ECHO_LATENCY_MS and ECHO_FAIL_STATUS through `getenv` (injected for tests).
// Returns an error message naming the variable when one is malformed.
std::optional<std::string> readEchoSettingsFromEnv(const std::function<const char*(const char*)>& getenv,
                                                   EchoSettings& settings);

struct EchoRequest {
  std::string method;
  std::string target;                          // path with query, as on the request line
  std::map<std::string, std::string> headers;  // names lower-cased; repeated headers joined with ", "
  std::string body;
};

struct EchoResponse {
  int status = 200;
  nlohmann::json body;
  std::chrono::milliseconds delay{0};  // how long to wait before sending (latency injection, /slow)
};

// Thread-safe state shared by all connections of one server: identity, current settings, a random source.
class EchoBehaviour {
 public:
  EchoBehaviour(std::string service, std::string pod, EchoSettings settings);

  const std::string& service() const { return service_; }
  const std::string& pod() const { return pod_; }
  EchoSettings settings() const;
  void setSettings(const EchoSettings& settings);

  // Requests answered other than /healthz and /control (failed ones included): how benchmarks see, from the
  // backend's side, how many requests the gateway sent to this endpoint. GET /control reports it as "requests".
  std::uint64_t requests() const { return requests_.load(); }

  // `uniform01` returns a number in [0, 1) and decides whether a failure is injected; injectable for tests.
  EchoResponse answer(const EchoRequest& request, const std::function<double()>& uniform01);
  EchoResponse answer(const EchoRequest& request);

 private:
  EchoResponse echo(const EchoRequest& request, const std::string& path, const std::string& query) const;
  EchoResponse control(const EchoRequest& request);

  const std::string service_;
  const std::string pod_;
  mutable std::mutex mutex_;
  EchoSettings settings_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace flotilla::apiserver
