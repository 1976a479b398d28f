#pragma once
// Small read helpers over unstructured Kubernetes objects (nlohmann::json), so handlers never repeat the
// "is it there and is it a string" dance.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/owner_reference.h"

namespace flotilla::apiserver::meta {

// The value at a dotted path (".spec.replicas" or "spec.replicas"); nullptr when absent.
const nlohmann::json* find(const nlohmann::json& object, std::string_view dottedPath);
// Like find, but creates intermediate objects; returns nullptr if a non-object is in the way.
nlohmann::json* ensure(nlohmann::json& object, std::string_view dottedPath);

std::string stringAt(const nlohmann::json& object, std::string_view dottedPath);
std::string name(const nlohmann::json& object);
std::string namespaceOf(const nlohmann::json& object);
std::string uid(const nlohmann::json& object);
std::uint64_t resourceVersion(const nlohmann::json& object);  // 0 when absent or not numeric
std::int64_t generation(const nlohmann::json& object);
bool isDeleting(const nlohmann::json& object);  // metadata.deletionTimestamp set
std::vector<std::string> finalizers(const nlohmann::json& object);
bool hasFinalizer(const nlohmann::json& object, std::string_view finalizer);
void removeFinalizer(nlohmann::json& object, std::string_view finalizer);
void addFinalizer(nlohmann::json& object, std::string_view finalizer);

using kube::OwnerReference;
inline std::vector<OwnerReference> ownerReferences(const nlohmann::json& object) {
  return kube::ownerReferencesOf(object);
}
// Removes the owner references with the given uid; true if any was removed.
bool removeOwnerReference(nlohmann::json& object, std::string_view ownerUid);

}  // namespace flotilla::apiserver::meta
