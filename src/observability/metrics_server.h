#pragma once
// Serves a registry at /metrics in the Prometheus text format.

#include <string>

#include "observability/endpoint_server.h"
#include "observability/metrics.h"

namespace flotilla::observability {

// --metrics-bind-address default, as controller-runtime's.
inline constexpr const char* kDefaultMetricsBindAddress = ":8080";

// `registry` must outlive the server.
StartedServer startMetricsServer(const std::string& bindAddress, const MetricsRegistry& registry);

}  // namespace flotilla::observability
