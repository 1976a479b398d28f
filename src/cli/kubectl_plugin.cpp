// `kubectl flotilla ...`: the same binary, installed as (a symlink named) kubectl-flotilla on the PATH, is a kubectl
// plugin (main.cpp dispatches on argv[0]). kubectl passes the plugin only the words after `flotilla` and its
// environment (KUBECONFIG among it), none of its own flags, so -n / --context / --kubeconfig are handled here.
//   kubectl flotilla status [-n NS | -A] [GATEWAY]   Gateway → Routes → Microservices → endpoints, with circuits
//   kubectl flotilla render ...                      = flotilla render ...
#include <iostream>
#include <set>
#include <string>

#include "cli/api_connection.h"
#include "cli/cluster_resources.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "cli/status_tree.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"
#include "observability/logging.h"
#include "render/gateway_objects.h"

namespace flotilla::cli {
namespace {

constexpr const char* kPluginUsage =
    "usage: kubectl flotilla <command> [flags]\n\n"
    "commands:\n"
    "  status [-n NS | -A] [GATEWAY]   tree of Gateway → Routes → Microservices → endpoints with conditions and\n"
    "                                  circuit states\n"
    "  render ...                      flotilla render (offline, or --diff against the cluster); see render --help\n"
    "  version                         print version and git commit\n";

constexpr const char* kStatusUsage =
    "usage: kubectl flotilla status [-n NAMESPACE | -A] [--kubeconfig FILE] [--context NAME] [GATEWAY]\n"
    "  -n, --namespace NS     namespace of the Gateways (default: the kubeconfig context's)\n"
    "  -A, --all-namespaces   Gateways of every namespace\n"
    "  --kubeconfig FILE      kubeconfig (default $KUBECONFIG, then ~/.kube/config)\n"
    "  --context NAME         kubeconfig context\n";

std::string selectorText(const std::map<std::string, std::string>& labels) {
  std::string text;
  for (const auto& [key, value] : labels) text += (text.empty() ? "" : ",") + key + "=" + value;
  return text;
}

kube::Result<std::vector<nlohmann::json>> listItems(kube::Client& client, const kube::ResourceRef& resource,
                                                    const std::string& ns, const std::string& selector) {
  kube::ListOptions options;
  options.labelSelector = selector;
  auto list = client.listAll(resource, ns, options);
  if (!list.ok()) return list.error();
  return std::move(list->items);
}

int runStatus(int argc, char** argv) {
  std::string ns, kubeconfig, context;
  bool allNamespaces = false;
  FlagParser parser("status", kStatusUsage);
  parser.add({"-n", "--namespace"}, ns);
  parser.addSwitch({"-A", "--all-namespaces"}, allNamespaces);
  parser.add({"--kubeconfig"}, kubeconfig);
  parser.add({"--context"}, context);
  if (const auto exit = parser.parse(argc, argv)) return *exit;
  if (parser.positional().size() > 1) {
    std::cerr << "status: at most one GATEWAY\n" << kStatusUsage;
    return 2;
  }
  const std::string only = parser.positional().empty() ? "" : parser.positional().front();

  if (ns.empty() && !allNamespaces) {
    auto config = kube::loadConfig({kubeconfig, context, {}, {}});
    if (config.ok()) ns = config->namespace_;
  }
  kube::ClientOptions options;
  options.userAgent = kube::defaultUserAgent("kubectl-flotilla");
  auto client = connectToApiServer(kubeconfig, context, options, observability::Logger("kubectl-flotilla"));
  if (!client) return 1;

  auto crs = listCustomResources(*client);
  if (!crs.ok()) {
    std::cerr << "status: listing Flotilla resources: " << crs.error().toString() << "\n";
    return 1;
  }
  StatusSnapshot snapshot;
  snapshot.routes = crs->routes;
  snapshot.microservices = crs->microservices;
  std::set<render::ObjectKey> backends;
  for (const auto& gateway : crs->gateways) {
    if (!allNamespaces && gateway.metadata.namespace_ != ns) continue;
    if (!only.empty() && gateway.metadata.name != only) continue;
    auto pods = listItems(*client, kube::resources::kPods, gateway.metadata.namespace_,
                          selectorText(render::gatewaySelectorLabels(gateway)));
    if (!pods.ok()) {
      std::cerr << "status: listing the pods of Gateway " << render::keyOf(gateway).str() << ": "
                << pods.error().toString() << "\n";
      return 1;
    }
    snapshot.gateways.push_back({gateway, std::move(pods.value())});
  }
  for (const auto& route : snapshot.routes) {
    for (const auto& rule : route.spec.rules) {
      for (const auto& backend : rule.backends) backends.insert({route.metadata.namespace_, backend.service});
    }
  }
  for (const auto& key : backends) {
    auto slices =
        listItems(*client, kube::resources::kEndpointSlices, key.namespace_, "kubernetes.io/service-name=" + key.name);
    if (!slices.ok()) {
      std::cerr << "status: listing the EndpointSlices of " << key.str() << ": " << slices.error().toString() << "\n";
      return 1;
    }
    snapshot.endpointSlices[key] = std::move(slices.value());
  }
  if (snapshot.gateways.empty()) {
    std::cout << "no Gateways found" << (allNamespaces ? "" : " in namespace " + ns)
              << (only.empty() ? "" : " named " + only) << "\n";
    return only.empty() ? 0 : 1;
  }
  std::cout << renderStatusTree(snapshot);
  return 0;
}

}  // namespace

int runKubectlPlugin(int argc, char** argv) {
  // A CLI, not a server: only problems reach stderr, in plain text.
  observability::configureLogging({observability::LogFormat::Text, observability::LogLevel::warn, {}});
  if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    std::cout << kPluginUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  if (command == "status") return runStatus(argc - 1, argv + 1);
  if (command == "render") return runRender(argc - 1, argv + 1);
  if (command == "version") return runVersion(argc - 1, argv + 1);
  std::cerr << "kubectl flotilla: unknown command '" << command << "'\n" << kPluginUsage;
  return 2;
}

}  // namespace flotilla::cli
