#include "apiserver/discovery.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

const std::vector<std::string> kSubresourceVerbs = {"get", "patch", "update"};

json subresourceKind(const ResourceInfo& r, const std::string& subresource) {
  if (subresource == "scale") return {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}};
  return {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
}

std::vector<std::string> subresourcesOf(const ResourceInfo& r) {
  std::vector<std::string> out;
  if (r.hasStatusSubresource) out.push_back("status");
  if (r.scale) out.push_back("scale");
  if (r.hasLogSubresource) out.push_back("log");
  return out;
}

json discoveryResource(const ResourceInfo& r) {
  json resource = {{"resource", r.plural},
                   {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                   {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                   {"singularResource", r.singular},
                   {"verbs", r.verbs}};
  if (!r.shortNames.empty()) resource["shortNames"] = r.shortNames;
  if (!r.categories.empty()) resource["categories"] = r.categories;
  json subresources = json::array();
  for (const auto& sub : subresourcesOf(r)) {
    const auto verbs = sub == "log" ? std::vector<std::string>{"get"} : kSubresourceVerbs;
    subresources.push_back({{"subresource", sub}, {"responseKind", subresourceKind(r, sub)}, {"verbs", verbs}});
  }
  if (!subresources.empty()) resource["subresources"] = subresources;
  return resource;
}

json groupVersionRef(const std::string& group, const std::string& version) {
  return {{"groupVersion", group.empty() ? version : group + "/" + version}, {"version", version}};
}

}  // namespace

bool acceptsAggregatedDiscovery(const std::string& accept) {
  return accept.find("as=APIGroupDiscoveryList") != std::string::npos &&
         accept.find("g=apidiscovery.k8s.io") != std::string::npos && accept.find("v=v2") != std::string::npos;
}

json aggregatedDiscovery(const ResourceRegistry& registry, bool core) {
  json items = json::array();
  for (const auto& group : registry.groups()) {
    if (group.group.empty() != core) continue;
    json versions = json::array();
    for (const auto& version : group.versions) {
      json resources = json::array();
      for (const auto& r : registry.inGroupVersion(group.group, version)) resources.push_back(discoveryResource(*r));
      versions.push_back({{"version", version}, {"resources", resources}, {"freshness", "Current"}});
    }
    items.push_back({{"metadata", {{"name", group.group}, {"creationTimestamp", nullptr}}}, {"versions", versions}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/v2"},
          {"metadata", json::object()},
          {"items", items}};
}

json apiVersions(const std::string& serverAddress) {
  return {
      {"kind", "APIVersions"},
      {"versions", json::array({"v1"})},
      {"serverAddressByClientCIDRs", json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}})}};
}

json apiGroup(const ResourceRegistry& registry, const std::string& group) {
  for (const auto& g : registry.groups()) {
    if (g.group != group || group.empty()) continue;
    json versions = json::array();
    for (const auto& v : g.versions) versions.push_back(groupVersionRef(group, v));
    return {{"kind", "APIGroup"},
            {"apiVersion", "v1"},
            {"name", group},
            {"versions", versions},
            {"preferredVersion", versions.front()}};
  }
  return nullptr;
}

json apiGroupList(const ResourceRegistry& registry) {
  json groups = json::array();
  for (const auto& g : registry.groups()) {
    if (g.group.empty()) continue;
    json group = apiGroup(registry, g.group);
    group.erase("kind");
    group.erase("apiVersion");
    groups.push_back(group);
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

json apiResourceList(const ResourceRegistry& registry, const std::string& group, const std::string& version) {
  auto resources = registry.inGroupVersion(group, version);
  if (resources.empty()) return nullptr;
  json list = json::array();
  for (const auto& r : resources) {
    json entry = {{"name", r->plural},
                  {"singularName", r->singular},
                  {"namespaced", r->namespaced},
                  {"kind", r->kind},
                  {"verbs", r->verbs}};
    if (!r->shortNames.empty()) entry["shortNames"] = r->shortNames;
    if (!r->categories.empty()) entry["categories"] = r->categories;
    list.push_back(entry);
    for (const auto& sub : subresourcesOf(*r)) {
      json subEntry = {{"name", r->plural + "/" + sub},
                       {"singularName", ""},
                       {"namespaced", r->namespaced},
                       {"kind", sub == "scale" ? "Scale" : r->kind},
                       {"verbs", kSubresourceVerbs}};
      if (sub == "scale") {
        subEntry["group"] = "autoscaling";
        subEntry["version"] = "v1";
      }
      list.push_back(subEntry);
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", list}};
}

}  // namespace flotilla::apiserver
