#include "cli/api_connection.h"

#include "flotilla/version.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "observability/metrics.h"
#include "observability/rest_client_metrics.h"

namespace flotilla::cli {

std::shared_ptr<kube::Client> connectToApiServer(const std::string& kubeconfig, const std::string& context,
                                                 kube::ClientOptions options, const observability::Logger& log) {
  auto config = kube::loadConfig({kubeconfig, context, {}, {}});
  if (!config.ok()) {
    log.error("cannot find the API server", {{"error", config.error().toString()}});
    return nullptr;
  }
  auto& registry = observability::MetricsRegistry::global();
  observability::registerBuildInfo(registry, kVersion, kGitCommit);
  options.observer = std::make_shared<observability::RestClientMetrics>(registry);
  auto client = kube::connect(*config, options);
  if (!client.ok()) {
    log.error("cannot connect to the API server", {{"error", client.error().toString()}});
    return nullptr;
  }
  log.info("connected", {{"source", config->source}, {"server", config->server}, {"version", kVersion}});
  return *client;
}

}  // namespace flotilla::cli
