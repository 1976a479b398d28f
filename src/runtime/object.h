#pragma once
// Small accessors for Kubernetes objects held as JSON, used throughout the runtime (cache keys, owner mapping,
// predicates). All tolerate missing fields and return empty values.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/owner_reference.h"

namespace flotilla::runtime {

// Cached objects are shared, immutable snapshots: readers keep them alive without copying or holding a lock.
using ObjectPtr = std::shared_ptr<const nlohmann::json>;

std::string namespaceOf(const nlohmann::json& object);
std::string nameOf(const nlohmann::json& object);
std::string uidOf(const nlohmann::json& object);
std::string resourceVersionOf(const nlohmann::json& object);
std::int64_t generationOf(const nlohmann::json& object);
std::map<std::string, std::string> labelsOf(const nlohmann::json& object);
std::map<std::string, std::string> annotationsOf(const nlohmann::json& object);

// The cache key: "namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).
std::string objectKey(const nlohmann::json& object);
std::string objectKey(const std::string& namespace_, const std::string& name);
// Splits a key back into {namespace, name}.
std::pair<std::string, std::string> splitObjectKey(const std::string& key);

// Owner references live in kube (shared with the API emulator).
using kube::controllerOf;
using kube::OwnerReference;
using kube::ownerReferencesOf;
// "apps/v1" → "apps"; "v1" → "".
std::string groupOf(const std::string& apiVersion);

// True when `after` differs from `before` in nothing a controller derives desired state from: the same object
// (uid), the same spec (generation, which the API server moves with every spec change) and the same labels,
// annotations, finalizers, owner references and deletion mark. Only status and bookkeeping (resourceVersion,
// managedFields) may differ. Objects without a generation (namespaces, ConfigMaps) never qualify.
bool onlyStatusChanged(const nlohmann::json& before, const nlohmann::json& after);

// Removes what the runtime never reads but costs the most memory: metadata.managedFields and the
// kubectl.kubernetes.io/last-applied-configuration annotation (a full copy of the object).
void stripForCache(nlohmann::json& object);

// An estimate of the heap bytes a JSON value occupies (node sizes, container nodes, string buffers). Tracked per
// cached object so the cache's memory is a figure we can report and budget.
std::size_t approximateJsonBytes(const nlohmann::json& value);

}  // namespace flotilla::runtime
