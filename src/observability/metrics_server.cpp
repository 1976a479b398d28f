#include "observability/metrics_server.h"

namespace flotilla::observability {

StartedServer startMetricsServer(const std::string& bindAddress, const MetricsRegistry& registry) {
  return EndpointServer::start(
      bindAddress, {{"/metrics", [&registry](const EndpointRequest&) {
                       return EndpointResponse{200, "text/plain; version=0.0.4; charset=utf-8", registry.serialize()};
                     }}});
}

}  // namespace flotilla::observability
