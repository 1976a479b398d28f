#pragma once
// How the long-running commands (operator, gateway) reach the API server, in one place: config from --kubeconfig /
// $KUBECONFIG / in-cluster, flotilla_build_info and the rest_client_* metrics in the global registry, a logged
// "connected" line. On failure it logs why and returns null (the command exits 1).

#include <memory>
#include <string>

#include "kube/client.h"
#include "observability/logging.h"

namespace flotilla::cli {

std::shared_ptr<kube::Client> connectToApiServer(const std::string& kubeconfig, const std::string& context,
                                                 kube::ClientOptions options, const observability::Logger& log);

}  // namespace flotilla::cli
