#pragma once
// Which container images --run-pods can really run, and the command line for each: a table from image
// repository to a launch builder. `flotilla/echo` (any tag) runs `flotilla echo`; `flotilla/gateway` runs the
// gateway agent (`flotilla gateway`, which starts HAProxy) on the pod's loopback address.

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
  std::string kubeconfig;  // a kubeconfig reaching this emulator, for pods that talk to the API ("" = none)
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

// The table --run-pods starts with: flotilla/echo and flotilla/gateway.
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

// A per-pod scratch directory under the system temp dir ("" uid: none); the runner removes it with the pod.
std::string podScratchDirectory(const std::string& uid);

// Where the runner keeps what a container writes to stdout and stderr, for `kubectl logs` (pods/log):
// <scratch>/logs/<container>.log. "" when the uid is empty or the name is not a plain file name.
std::string containerLogPath(const std::string& uid, const std::string& container);

// The command of a flotilla/gateway container: its own command and args (`flotilla gateway --config-map ...`, with
// the executable replaced by this flotilla binary) and environment, plus what a cluster would provide:
// KUBECONFIG (the emulator), FLOTILLA_BIND_ADDRESS (the pod's address, so HAProxy and the agent listen there),
// FLOTILLA_RUNTIME_DIR / FLOTILLA_CERT_DIR in the pod's scratch directory, stable across container restarts (so a
// restarted agent adopts its HAProxy), POD_NAME and POD_NAMESPACE. HAProxy gets 2 s to stop softly, because the
// runner kills what still runs 3 s after SIGTERM when the emulator shuts down.
std::optional<ContainerLaunch> gatewayLaunch(const LaunchContext& context, std::string& error);

}  // namespace flotilla::apiserver
