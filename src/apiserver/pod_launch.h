#pragma once
// Which container images --run-pods can really run, and the command line for each: a table from image
// repository to a launch builder. `flotilla/echo` (any tag) runs `flotilla echo`; `flotilla/gateway` will run the
// gateway agent with HAProxy (to be registered by the gateway work through LaunchTable::add).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

// A Secret's or ConfigMap's key, for env valueFrom. kind: "Secret" | "ConfigMap". nullopt: not found.
using EnvSourceLookup = std::function<std::optional<std::string>(const std::string& kind, const std::string& namespace_,
                                                                 const std::string& name, const std::string& key)>;

struct LaunchContext {
  const nlohmann::json& pod;
  const nlohmann::json& container;
  std::string address;         // the pod's loopback address
  std::string flotillaBinary;  // absolute path of the flotilla executable
  const EnvSourceLookup* envSources = nullptr;
};

struct ContainerLaunch {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
};

using LaunchBuilder = std::function<std::optional<ContainerLaunch>(const LaunchContext&, std::string& error)>;

class LaunchTable {
 public:
  // `repository`: an image name without tag or digest ("flotilla/echo"); registry prefixes also match
  // ("ghcr.io/x/flotilla/echo:1.2" matches "flotilla/echo").
  void add(std::string repository, LaunchBuilder builder);
  const LaunchBuilder* find(const std::string& image) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<std::pair<std::string, LaunchBuilder>> entries_;
};

// The table --run-pods starts with: flotilla/echo.
LaunchTable defaultLaunchTable();

// "ghcr.io/acme/echo:1.2@sha256:…" → "ghcr.io/acme/echo".
std::string imageRepository(const std::string& image);

// The container's environment as the kubelet builds it: value, valueFrom fieldRef (metadata.name, namespace,
// uid, labels/annotations entries, status.podIP, status.hostIP, spec.nodeName, spec.serviceAccountName),
// secretKeyRef / configMapKeyRef (through the lookup; optional refs may be missing). Unresolvable entries are
// reported in `error` (the container does not start, as with a real kubelet).
std::map<std::string, std::string> containerEnvironment(const LaunchContext& context, std::string& error);

// The first TCP containerPort of the container, or `fallback`.
std::uint16_t firstContainerPort(const nlohmann::json& container, std::uint16_t fallback);

// The command of a flotilla/echo container: `flotilla echo --listen ADDR:PORT --service S --pod P` where the
// service is the pod's app.kubernetes.io/name (else app) label.
std::optional<ContainerLaunch> echoLaunch(const LaunchContext& context, std::string& error);

}  // namespace flotilla::apiserver
