#include "gateway/gateway_metrics.h"

#include <set>

namespace flotilla::gateway {
namespace {

prometheus::Family<prometheus::Counter>& reloads(observability::MetricsRegistry& registry) {
  return registry.counter("flotilla_gateway_config_reloads_total",
                          "Gateway config loads by result: success, or failure (rejected by haproxy -c or reload).");
}

}  // namespace

GatewayMetrics::GatewayMetrics(observability::MetricsRegistry& registry)
    : reloadSuccess_(reloads(registry).Add({{"result", "success"}})),
      reloadFailure_(reloads(registry).Add({{"result", "failure"}})),
      reloadDuration_(registry
                          .histogram("flotilla_gateway_reload_duration_seconds",
                                     "Time from validating a new config to HAProxy serving it.")
                          .Add({}, observability::exponentialBuckets(0.01, 2, 12))),
      endpointUpdates_(registry
                           .counter("flotilla_gateway_endpoint_updates_total",
                                    "HAProxy servers changed through the runtime API (no reload).")
                           .Add({})),
      configInfo_(registry.gauge("flotilla_gateway_config_info", "The config hash HAProxy is serving (value 1).")),
      circuitState_(registry.gauge("flotilla_circuit_state",
                                   "Circuit breaker state per endpoint: 0 closed, 1 open, 2 half-open.")) {}

void GatewayMetrics::reloaded(bool success, double seconds) {
  (success ? reloadSuccess_ : reloadFailure_).Increment();
  if (success) reloadDuration_.Observe(seconds);
}

void GatewayMetrics::endpointUpdates(std::size_t servers) {
  endpointUpdates_.Increment(static_cast<double>(servers));
}

void GatewayMetrics::configLoaded(const std::string& hash) {
  std::lock_guard lock(mutex_);
  auto& gauge = configInfo_.Add({{"hash", hash}});
  if (currentConfig_ && currentConfig_ != &gauge) configInfo_.Remove(currentConfig_);
  gauge.Set(1);
  currentConfig_ = &gauge;
}

prometheus::Gauge& GatewayMetrics::circuitGauge(const std::string& gateway, const CircuitKey& key,
                                                const std::string& route) {
  auto& gauge =
      circuitState_.Add({{"gateway", gateway}, {"route", route}, {"backend", key.backend}, {"endpoint", key.endpoint}});
  circuitSeries_[{gateway, route, key.backend, key.endpoint}] = &gauge;
  return gauge;
}

void GatewayMetrics::circuit(const std::string& gateway, const CircuitKey& key, const std::string& route,
                             CircuitState state) {
  std::lock_guard lock(mutex_);
  circuitGauge(gateway, key, route).Set(static_cast<double>(state));
}

void GatewayMetrics::circuits(const std::string& gateway, const std::vector<CircuitSeries>& served) {
  std::lock_guard lock(mutex_);
  std::set<std::vector<std::string>> current;
  for (const auto& series : served) {
    circuitGauge(gateway, series.key, series.route).Set(static_cast<double>(series.state));
    current.insert({gateway, series.route, series.key.backend, series.key.endpoint});
  }
  for (auto it = circuitSeries_.begin(); it != circuitSeries_.end();) {
    if (current.count(it->first) > 0) {
      ++it;
      continue;
    }
    circuitState_.Remove(it->second);
    it = circuitSeries_.erase(it);
  }
}

}  // namespace flotilla::gateway
