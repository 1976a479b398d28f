#include "cli/cluster_resources.h"

#include "api/parse.h"
#include "kube/well_known_resources.h"

namespace flotilla::cli {
namespace {

template <typename T>
kube::Result<bool> listInto(kube::Client& client, const kube::ResourceRef& resource, std::string_view ns,
                            api::Parsed<T> (*parse)(const nlohmann::json&), std::vector<T>& out,
                            std::vector<std::string>& undecodable) {
  auto list = client.listAll(resource, ns);
  if (!list.ok()) return list.error();
  for (const auto& item : list->items) {
    auto parsed = parse(item);
    if (parsed.ok()) {
      out.push_back(std::move(parsed.value));
      continue;
    }
    const auto& meta = item.value("metadata", nlohmann::json::object());
    std::string message = resource.kind + " " + meta.value("namespace", "") + "/" + meta.value("name", "") + ":";
    for (const auto& error : parsed.errors) message += " " + error.toString();
    undecodable.push_back(std::move(message));
  }
  return true;
}

}  // namespace

kube::Result<CustomResources> listCustomResources(kube::Client& client, std::string_view ns) {
  namespace r = kube::resources;
  CustomResources out;
  for (auto listed :
       {listInto(client, r::kMicroservices, ns, &api::parseMicroservice, out.microservices, out.undecodable),
        listInto(client, r::kRoutes, ns, &api::parseRoute, out.routes, out.undecodable),
        listInto(client, r::kBreakerPolicies, ns, &api::parseBreakerPolicy, out.policies, out.undecodable),
        listInto(client, r::kGateways, ns, &api::parseGateway, out.gateways, out.undecodable)}) {
    if (!listed.ok()) return listed.error();
  }
  return out;
}

const kube::ResourceRef* resourceOf(const nlohmann::json& object) {
  namespace r = kube::resources;
  static const kube::ResourceRef* const kKnown[] = {&r::kNamespaces,
                                                    &r::kServices,
                                                    &r::kConfigMaps,
                                                    &r::kSecrets,
                                                    &r::kServiceAccounts,
                                                    &r::kDeployments,
                                                    &r::kHorizontalPodAutoscalers,
                                                    &r::kPodDisruptionBudgets,
                                                    &r::kRoles,
                                                    &r::kRoleBindings,
                                                    &r::kMicroservices,
                                                    &r::kRoutes,
                                                    &r::kBreakerPolicies,
                                                    &r::kGateways};
  const std::string apiVersion = object.value("apiVersion", "");
  const std::string kind = object.value("kind", "");
  for (const auto* resource : kKnown) {
    const std::string version = resource->group.empty() ? resource->version : resource->group + "/" + resource->version;
    if (resource->kind == kind && version == apiVersion) return resource;
  }
  return nullptr;
}

kube::Result<nlohmann::json> getIfExists(kube::Client& client, const kube::ResourceRef& resource, std::string_view ns,
                                         std::string_view name) {
  auto got = client.get(resource, ns, name);
  if (got.is(kube::ErrorKind::NotFound)) return nlohmann::json();
  return got;
}

}  // namespace flotilla::cli
