#pragma once
// `flotilla gateway`: the agent beside HAProxy in each gateway pod (DESIGN.md §3, docs/gateway.md).
//
// One loop thread does all HAProxy work, so there is never more than one reload at a time and changes that arrive
// during a reload are coalesced into the next pass. Each pass:
//  1. reads the latest ConfigMap snapshot (the informer keeps it current) and the EndpointSlices of its backends;
//  2. when the config hash differs from the loaded one (or HAProxy is not running, or slots ran out): renders the
//     current endpoints into the text (render::applyEndpoints), writes the TLS certificates it names, checks it
//     with `haproxy -c`, and only then starts or reloads HAProxy with it; a rejected config is never loaded, the
//     previous one keeps serving and the error is reported. A new config that, endpoints filled in, is the text
//     HAProxy serves already (servesTheSame) is taken over without a reload;
//  3. otherwise polls `show servers state` / `show stat`: breaker trips become holds (breaker_monitor.h) and
//     endpoint changes become runtime API commands (endpoint_sync.h), without reload;
//  4. reports the loaded hash / generation / error on its Pod (status_reporter.h) and in metrics.
// The loaded ConfigMap content is kept in the runtime directory (last-good.json, haproxy.cfg), so a restarted agent
// serves the last good config even before the API server answers, and adopts a HAProxy that is still running.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "gateway/breaker_monitor.h"
#include "gateway/config_source.h"
#include "gateway/config_validator.h"
#include "gateway/endpoint_source.h"
#include "gateway/gateway_metrics.h"
#include "gateway/haproxy_process.h"
#include "gateway/status_reporter.h"
#include "kube/client.h"
#include "observability/endpoint_server.h"
#include "observability/health.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "runtime/prometheus_metrics.h"

namespace flotilla::gateway {

struct AgentOptions {
  std::string configMapNamespace;
  std::string configMapName;
  std::string runtimeDir = "/var/run/flotilla";
  std::string certDir;  // default <runtimeDir>/certs
  std::string haproxyBinary = "haproxy";
  std::string agentAddress = ":8405";  // /metrics, /healthz, /readyz; "0" switches them off
  std::string podNamespace;            // "" / "": no status reporting (local runs)
  std::string podName;
  Environment haproxyEnvironment;  // extra variables for HAProxy (the agent sets FLOTILLA_RUNTIME_DIR/CERT_DIR)
  std::chrono::milliseconds pollInterval{500};
  std::chrono::milliseconds stopGrace{std::chrono::seconds(35)};      // pod grace 40 s, hard-stop-after 30 s
  std::chrono::milliseconds rejectedRetry{std::chrono::seconds(30)};  // re-try a rejected config (a Secret may appear)
  std::chrono::milliseconds statusRetry{std::chrono::seconds(2)};
};

class Agent {
 public:
  Agent(AgentOptions options, std::shared_ptr<kube::Client> client, observability::MetricsRegistry& registry);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Serves until `stop` is requested, then stops HAProxy softly. Returns the process exit code.
  int run(std::stop_token stop);
  // The port /metrics, /healthz and /readyz are served on (after run() has started them), 0 when off.
  int agentPort() const { return agentPort_.load(); }

 private:
  bool prepareRuntimeDir();
  bool startEndpoints();
  void recoverFromDisk();
  void pass();
  bool load(const GatewayConfig& config);
  void noteServing(const GatewayConfig& latest);
  void takeOver(const GatewayConfig& config);
  void rejected(const GatewayConfig& config, const std::string& error);
  bool syncRuntimeState();
  void report();
  void wake();
  ValidatorOptions validatorOptions() const;

  const AgentOptions options_;
  const std::shared_ptr<kube::Client> client_;
  observability::MetricsRegistry& registry_;
  const observability::Logger log_;
  runtime::PrometheusMetrics runtimeMetrics_;
  GatewayMetrics metrics_;
  const HaproxyOptions haproxyOptions_;
  HaproxyProcess haproxy_;
  ConfigSource configSource_;
  EndpointSource endpointSource_;
  StatusReporter reporter_;
  BreakerMonitor breakers_;
  observability::HealthChecks health_;
  std::unique_ptr<observability::EndpointServer> server_;

  // Loop-thread state.
  std::optional<GatewayConfig> loaded_;  // what HAProxy serves
  std::string rejectedHash_;             // the newest config that could not be loaded
  std::string rejectedError_;
  std::chrono::steady_clock::time_point rejectedAt_{};
  std::string configMapError_;  // the ConfigMap itself is unusable
  std::optional<std::chrono::steady_clock::time_point> waitingForEndpointsSince_;

  // Shared with the HTTP handlers and the informer callbacks.
  std::mutex wakeMutex_;
  std::condition_variable_any wakeCv_;
  bool woken_ = false;
  std::atomic<bool> ready_{false};
  std::atomic<bool> reloading_{false};
  std::atomic<std::int64_t> heartbeat_{0};  // steady clock ticks of the last loop pass
  std::atomic<int> agentPort_{0};
};

}  // namespace flotilla::gateway
