#pragma once
// Finding the API server: kubeconfig files (`--kubeconfig`, `$KUBECONFIG`, ~/.kube/config) with `--context`,
// and in-cluster service-account configuration. Errors are values naming the file and the field, e.g.
//   kubeconfig /x/config: context "foo" not found
//   kubeconfig /x/config: users[0].user.client-key-data: not valid base64

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kube/clock.h"
#include "kube/rest_config.h"
#include "kube/result.h"

namespace flotilla::kube {

// Environment lookup, injectable for tests. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup processEnv();

// Loads kubeconfig files merged in order (the first file to define a name or current-context wins, as kubectl
// does). Relative file paths inside a file resolve against that file's directory. `context` overrides
// current-context. Missing files in the list are skipped unless none exists.
Result<RestConfig> loadKubeconfig(const std::vector<std::string>& files, const std::string& context = {});
// One file that must exist.
Result<RestConfig> loadKubeconfigFile(const std::string& path, const std::string& context = {});

struct InClusterOptions {
  static constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::string serviceAccountDir = kServiceAccountDir;  // holds token, ca.crt, namespace
  EnvLookup env;                                       // default: processEnv()
  std::chrono::seconds tokenRefresh = FileTokenSource::kDefaultRefresh;
  std::shared_ptr<Clock> clock;  // default: Clock::real()
};

// KUBERNETES_SERVICE_HOST/PORT + the service account's token (re-read every tokenRefresh and after a 401),
// ca.crt and namespace.
Result<RestConfig> loadInClusterConfig(const InClusterOptions& options = {});

struct ConfigOptions {
  std::string kubeconfig;  // --kubeconfig
  std::string context;     // --context
  EnvLookup env;           // default: processEnv()
  InClusterOptions inCluster;
};

// controller-runtime's order: --kubeconfig; else $KUBECONFIG; else in-cluster when KUBERNETES_SERVICE_HOST is
// set; else $HOME/.kube/config.
Result<RestConfig> loadConfig(const ConfigOptions& options = {});

}  // namespace flotilla::kube
