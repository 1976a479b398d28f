#include "apiserver/builtin_fields.h"

#include "api/schema_prune.h"

#include <algorithm>
#include <map>

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

// Top-level fields besides apiVersion, kind and metadata, by storage key; absent keys mean {spec, status}.
const std::vector<std::string>& topLevelFields(const std::string& storageKey) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"/configmaps", {"data", "binaryData", "immutable"}},
      {"/secrets", {"data", "stringData", "type", "immutable"}},
      {"/serviceaccounts", {"secrets", "imagePullSecrets", "automountServiceAccountToken"}},
      {"/endpoints", {"subsets"}},
      {"/events",
       {"involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type",
        "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"}},
      {"events.k8s.io/events",
       {"eventTime", "series", "reportingController", "reportingInstance", "action", "reason", "regarding", "related",
        "note", "type", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"}},
      {"discovery.k8s.io/endpointslices", {"addressType", "endpoints", "ports"}},
      {"rbac.authorization.k8s.io/roles", {"rules"}},
      {"rbac.authorization.k8s.io/clusterroles", {"rules", "aggregationRule"}},
      {"rbac.authorization.k8s.io/rolebindings", {"subjects", "roleRef"}},
      {"rbac.authorization.k8s.io/clusterrolebindings", {"subjects", "roleRef"}},
      {"coordination.k8s.io/leases", {"spec"}},
  };
  static const std::vector<std::string> specAndStatus = {"spec", "status"};
  auto it = table.find(storageKey);
  return it == table.end() ? specAndStatus : it->second;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::vector<std::string> pruneUnknownBuiltinFields(const ResourceInfo& resource, json& object) {
  std::vector<std::string> unknown;
  if (resource.custom || !object.is_object()) return unknown;
  const auto& allowed = topLevelFields(resource.storageKey());
  for (auto it = object.begin(); it != object.end();) {
    const std::string& key = it.key();
    if (key == "apiVersion" || key == "kind" || key == "metadata" || contains(allowed, key)) {
      ++it;
      continue;
    }
    unknown.push_back(key);
    it = object.erase(it);
  }
  if (auto metadata = object.find("metadata"); metadata != object.end() && metadata->is_object()) {
    for (auto it = metadata->begin(); it != metadata->end();) {
      if (api::objectMetaFields().contains(it.key())) {
        ++it;
        continue;
      }
      unknown.push_back("metadata." + it.key());
      it = metadata->erase(it);
    }
  }
  return unknown;
}

}  // namespace flotilla::apiserver
