#pragma once
// The agent's own metrics (HAProxy's exporter on the stats port covers traffic):
//   flotilla_gateway_config_reloads_total{result="success"|"failure"}  loads of a new config (a start counts too);
//                                                                      failure = rejected by `haproxy -c` or reload
//   flotilla_gateway_reload_duration_seconds                           from validation to the new worker serving
//   flotilla_gateway_endpoint_updates_total                            servers changed through the runtime API
//   flotilla_gateway_config_info{hash}                                 1 for the config hash being served
//   flotilla_circuit_state{gateway,route,backend,endpoint}             0 closed, 1 open, 2 half-open; one series
//                                                                      per endpoint a backend serves, so dashboards
//                                                                      and alerts see closed circuits too

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "gateway/breaker_monitor.h"
#include "observability/metrics.h"

namespace flotilla::gateway {

class GatewayMetrics {
 public:
  explicit GatewayMetrics(observability::MetricsRegistry& registry);

  void reloaded(bool success, double seconds);
  void endpointUpdates(std::size_t servers);
  void configLoaded(const std::string& hash);
  void circuit(const std::string& gateway, const CircuitKey& key, const std::string& route, CircuitState state);

  // One endpoint a backend serves now, with its circuit's state.
  struct CircuitSeries {
    CircuitKey key;
    std::string route;
    CircuitState state = CircuitState::Closed;
  };
  // Sets the series of every endpoint served now and removes the series of endpoints no backend serves any more.
  void circuits(const std::string& gateway, const std::vector<CircuitSeries>& served);

 private:
  prometheus::Counter& reloadSuccess_;
  prometheus::Counter& reloadFailure_;
  prometheus::Histogram& reloadDuration_;
  prometheus::Counter& endpointUpdates_;
  prometheus::Family<prometheus::Gauge>& configInfo_;
  prometheus::Family<prometheus::Gauge>& circuitState_;
  prometheus::Gauge& circuitGauge(const std::string& gateway, const CircuitKey& key, const std::string& route);

  std::mutex mutex_;
  prometheus::Gauge* currentConfig_ = nullptr;
  // Every flotilla_circuit_state series set so far, by its labels (gateway, route, backend, endpoint).
  std::map<std::vector<std::string>, prometheus::Gauge*> circuitSeries_;
};

}  // namespace flotilla::gateway
